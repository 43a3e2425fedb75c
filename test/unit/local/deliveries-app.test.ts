import { describe, expect, it } from 'vitest'
import { createDeliveriesApp, type LocalDeadLetter } from '../../../local/deliveries-app.js'
import { haloTicketUrl } from '../../../local/delivery-view.js'
import type { DeliveryRecord } from '../../../shared/delivery/delivery-history.js'
import { createMemoryDeliveryHistory } from '../../../shared/delivery/memory-delivery-history.js'
import type { Envelope } from '../../../shared/envelope.js'
import { silentLogger } from '../../../shared/observability.js'
import handlerConfig from '../../support/aws/handler-config.js'
import { envelopeFor } from '../../support/envelopes.js'
import { ingestHarness } from '../../support/ingest-harness.js'

const ORIGIN = 'http://127.0.0.1:8787'

const record = (overrides: Partial<DeliveryRecord> & { envelopeId: string }): DeliveryRecord => ({
  route: 'prometheus',
  key: overrides.envelopeId,
  outcome: 'delivered',
  at: '2026-11-28T12:00:00.000Z',
  receiveCount: 1,
  ...overrides,
})

/** The app on a memory history and a queue whose dead letters and pending envelopes are given. */
const appWith = async (
  records: DeliveryRecord[],
  queue: { deadLetters?: LocalDeadLetter[]; pending?: Envelope[] } = {},
  ticketUrl = (ticketId: number, origin: string) => `${origin}/halo/#ticket-${ticketId}`,
) => {
  const history = createMemoryDeliveryHistory()
  for (const entry of records) await history.record(entry)
  const letters = [...(queue.deadLetters ?? [])]
  const redriven: string[] = []
  const app = createDeliveriesApp({
    history,
    routes: ['prometheus', 'example-hmac'],
    ticketUrl,
    logger: silentLogger,
    queue: {
      deadLetters: () => letters,
      pending: () => queue.pending ?? [],
      redrive(envelopeId) {
        const index = letters.findIndex((letter) => letter.envelope.id === envelopeId)
        if (index < 0) return false
        letters.splice(index, 1)
        redriven.push(envelopeId)
        return true
      },
    },
  })
  const json = async (path: string) => {
    const response = await app.request(`${ORIGIN}${path}`)
    return { status: response.status, body: (await response.json()) as Record<string, unknown> }
  }
  return { app, json, redriven, history }
}

const parkedLetter = (key: string): LocalDeadLetter => ({
  envelope: envelopeFor({ key }, { route: 'prometheus' }),
  reason: `unroutable: no Halo client for ${key}`,
  receiveCount: 3,
})

describe('GET /deliveries.json', () => {
  it('lists newest first, links tickets, and offers a replay only for what is in the dead-letter list', async () => {
    const letter = parkedLetter('db01')
    const { json } = await appWith(
      [
        record({ envelopeId: 'e1', ticketId: 1001, action: 'create' }),
        record({ envelopeId: 'e2', outcome: 'parked', reason: 'was parked, since replayed' }),
        record({ envelopeId: letter.envelope.id, key: 'db01', outcome: 'parked', code: 'x' }),
      ],
      { deadLetters: [letter] },
    )

    const { status, body } = await json('/deliveries.json')
    expect(status).toBe(200)
    expect(body.deliveries).toEqual([
      expect.objectContaining({
        envelopeId: letter.envelope.id,
        outcome: 'parked',
        replayUrl: `${ORIGIN}/deliveries/${letter.envelope.id}/replay`,
      }),
      { ...record({ envelopeId: 'e2', outcome: 'parked', reason: 'was parked, since replayed' }) },
      {
        ...record({ envelopeId: 'e1', ticketId: 1001, action: 'create' }),
        ticketUrl: `${ORIGIN}/halo/#ticket-1001`,
      },
    ])
  })

  it('filters by route and outcome, and limits', async () => {
    const { json } = await appWith([
      record({ envelopeId: 'a', route: 'prometheus', outcome: 'delivered' }),
      record({ envelopeId: 'b', route: 'example-hmac', outcome: 'delivered' }),
      record({ envelopeId: 'c', route: 'example-hmac', outcome: 'deferred' }),
      record({ envelopeId: 'd', route: 'example-hmac', outcome: 'delivered' }),
    ])
    const ids = async (search: string) =>
      ((await json(`/deliveries.json${search}`)).body.deliveries as DeliveryRecord[]).map(
        (entry) => entry.envelopeId,
      )

    expect(await ids('')).toEqual(['d', 'c', 'b', 'a'])
    expect(await ids('?route=example-hmac')).toEqual(['d', 'c', 'b'])
    expect(await ids('?outcome=delivered')).toEqual(['d', 'b', 'a'])
    expect(await ids('?route=example-hmac&outcome=delivered&limit=1')).toEqual(['d'])
    expect(await ids('?route=&outcome=')).toEqual(['d', 'c', 'b', 'a']) // a form's "all"
    expect(await ids('?route=gone')).toEqual([])
  })

  it('refuses an unknown outcome or a bad limit, naming the filter', async () => {
    const { json, app } = await appWith([])
    const bad = await json('/deliveries.json?outcome=lost&limit=0')
    expect(bad.status).toBe(400)
    expect(bad.body.error).toBe('query_invalid')
    expect(bad.body.detail).toEqual([
      expect.stringMatching(/^outcome: /),
      expect.stringMatching(/^limit: /),
    ])
    const page = await app.request(`${ORIGIN}/deliveries?outcome=%3Cb%3Elost`)
    expect(page.status).toBe(400)
    expect(await page.text()).toContain('Invalid filter: outcome')
  })

  it('lists a parked envelope the history no longer holds, after the others and without a time', async () => {
    const kept = parkedLetter('db01')
    const forgotten = parkedLetter('db02')
    const { json } = await appWith(
      [record({ envelopeId: kept.envelope.id, key: 'db01', outcome: 'parked' })],
      { deadLetters: [kept, forgotten] },
    )

    const list = (await json('/deliveries.json')).body.deliveries as Record<string, unknown>[]
    expect(list.map((entry) => entry.key)).toEqual(['db01', 'db02'])
    expect(list[1]).toEqual({
      envelopeId: forgotten.envelope.id,
      route: 'prometheus',
      key: 'db02',
      outcome: 'parked',
      reason: 'unroutable: no Halo client for db02',
      receiveCount: 3,
      replayUrl: `${ORIGIN}/deliveries/${forgotten.envelope.id}/replay`,
    })
    expect((await json('/deliveries.json?outcome=delivered')).body.deliveries).toEqual([])
    expect((await json('/deliveries.json?route=example-hmac')).body.deliveries).toEqual([])
  })

  it('marks a replayed envelope that is back in the queue', async () => {
    const letter = parkedLetter('db01')
    const { json } = await appWith(
      [record({ envelopeId: letter.envelope.id, outcome: 'parked' })],
      { pending: [letter.envelope] },
    )
    const [entry] = (await json('/deliveries.json')).body.deliveries as Record<string, unknown>[]
    expect(entry).toMatchObject({ outcome: 'parked', requeued: true })
    expect(entry?.replayUrl).toBeUndefined()
  })

  it('links to a real Halo’s ticket page when the gateway delivers to one', async () => {
    const { json } = await appWith(
      [record({ envelopeId: 'e1', ticketId: 42 })],
      {},
      haloTicketUrl('https://acme.halopsa.com/'),
    )
    const [entry] = (await json('/deliveries.json')).body.deliveries as Record<string, unknown>[]
    expect(entry?.ticketUrl).toBe('https://acme.halopsa.com/ticket?id=42')
  })

  it('answers /deliveries with the same JSON when JSON is asked for', async () => {
    const { app, json } = await appWith([record({ envelopeId: 'e1', ticketId: 7 })])
    const response = await app.request(`${ORIGIN}/deliveries?outcome=delivered`, {
      headers: { accept: 'application/json' },
    })
    expect(response.headers.get('content-type')).toMatch(/^application\/json/)
    expect(await response.json()).toEqual((await json('/deliveries.json?outcome=delivered')).body)
  })
})

describe('GET /deliveries/parked.json', () => {
  it('lists the dead-letter list: id, route, key and why, never the payload', async () => {
    const letter = parkedLetter('db01')
    letter.envelope = envelopeFor(
      { key: 'db01' },
      { route: 'prometheus', raw: { secret: 'payload-value' } },
    )
    const { app } = await appWith([], { deadLetters: [letter] })
    const response = await app.request(`${ORIGIN}/deliveries/parked.json`)
    const text = await response.text()
    expect(JSON.parse(text)).toEqual({
      parked: [
        {
          envelopeId: letter.envelope.id,
          route: 'prometheus',
          key: 'db01',
          reason: 'unroutable: no Halo client for db01',
          receiveCount: 3,
          replayUrl: `${ORIGIN}/deliveries/${letter.envelope.id}/replay`,
        },
      ],
    })
    expect(text).not.toContain('payload-value')
  })
})

describe('POST /deliveries/<envelopeId>/replay', () => {
  it('redrives the envelope and sends the form back to the same filters, with a notice', async () => {
    const letter = parkedLetter('db01')
    const { app, redriven } = await appWith(
      [record({ envelopeId: letter.envelope.id, outcome: 'parked' })],
      { deadLetters: [letter] },
    )
    const response = await app.request(`${ORIGIN}/deliveries/${letter.envelope.id}/replay`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        origin: ORIGIN,
        'sec-fetch-site': 'same-origin',
      },
      body: 'route=prometheus&outcome=parked',
    })
    expect(response.status).toBe(303)
    expect(response.headers.get('location')).toBe(
      `/deliveries?route=prometheus&outcome=parked&replayed=${letter.envelope.id}`,
    )
    expect(redriven).toEqual([letter.envelope.id])

    const page = await app.request(`${ORIGIN}${response.headers.get('location')}`)
    expect(await page.text()).toContain(`Envelope ${letter.envelope.id} was replayed`)
  })

  it('answers JSON callers with JSON, and 404 for an envelope that is not parked', async () => {
    const letter = parkedLetter('db01')
    const { app, redriven } = await appWith([], { deadLetters: [letter] })
    const replay = (id: string) =>
      app.request(`${ORIGIN}/deliveries/${encodeURIComponent(id)}/replay`, {
        method: 'POST',
        headers: { accept: 'application/json' },
      })

    const first = await replay(letter.envelope.id)
    expect(first.status).toBe(200)
    expect(await first.json()).toEqual({ replayed: letter.envelope.id })
    const again = await replay(letter.envelope.id)
    expect(again.status).toBe(404)
    expect(await again.json()).toEqual({
      error: 'not_parked',
      detail: `no parked envelope has the id ${letter.envelope.id} (already replayed?)`,
    })
    expect(redriven).toEqual([letter.envelope.id])
  })

  it('finds an envelope whose id needs escaping in a URL', async () => {
    const letter = parkedLetter('db01')
    letter.envelope.id = 'delivery/7 ?#%'
    const { app, redriven } = await appWith([], { deadLetters: [letter] })
    const response = await app.request(
      `${ORIGIN}/deliveries/${encodeURIComponent(letter.envelope.id)}/replay`,
      { method: 'POST', headers: { accept: 'application/json' } },
    )
    expect(response.status).toBe(200)
    expect(redriven).toEqual(['delivery/7 ?#%'])
  })

  it('refuses a replay another site’s page makes the browser send, and moves nothing', async () => {
    const letter = parkedLetter('db01')
    const { app, redriven } = await appWith([], { deadLetters: [letter] })
    const crossSiteHeaders: Record<string, string>[] = [
      { origin: 'https://evil.example' },
      { 'sec-fetch-site': 'cross-site' },
    ]
    for (const headers of crossSiteHeaders) {
      const response = await app.request(`${ORIGIN}/deliveries/${letter.envelope.id}/replay`, {
        method: 'POST',
        headers,
      })
      expect(response.status).toBe(403)
    }
    expect(redriven).toEqual([])
  })
})

describe('the ingest app', () => {
  it('has no deliveries view (it is the local gateway’s alone)', async () => {
    const { app } = ingestHarness(handlerConfig, { routes: {} })
    for (const path of ['/deliveries', '/deliveries.json', '/deliveries/parked.json']) {
      expect((await app.request(path)).status).toBe(404)
    }
    expect((await app.request('/deliveries/x/replay', { method: 'POST' })).status).toBe(404)
  })
})

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { deliverEvent } from '../../../functions/deliver/deliver-event.js'
import { startHaloSandbox } from '../../../local/halo-sandbox/start-halo-sandbox.js'
import { compileConfig } from '../../../shared/config/compile-config.js'
import { createHaloClient } from '../../../shared/halo/halo-client.js'
import { createHaloDirectory } from '../../../shared/halo/halo-directory.js'
import { createMemoryCorrelationStore } from '../../../shared/lifecycle/memory-correlation-store.js'
import { createJsonLogger } from '../../../shared/observability.js'
import { createResolveAtSource } from '../../../shared/outbound/resolve-at-source.js'
import { createMemorySecretStore } from '../../../shared/secrets/memory-secret-store.js'
import { dueEnvelope } from '../../../shared/timers/due-envelope.js'
import { envelopeFor } from '../../support/envelopes.js'

const { routes } = compileConfig({
  routes: {
    outage: {
      source: 'generic',
      auth: { type: 'bearer' },
      alert: { key: '{% payload.id %}', title: '{% payload.t %}' },
      ticket: { summary: '{% alert.title %}', client_id: 12 },
      group: { noteEveryMinutes: 5 },
    },
  },
})

let sandbox: Awaited<ReturnType<typeof startHaloSandbox>>
beforeAll(async () => {
  sandbox = await startHaloSandbox({ port: 0 })
})
afterAll(async () => {
  await sandbox.close()
})
beforeEach(() => sandbox.sandbox.reset())

const START = Date.parse('2026-11-28T07:00:00Z')

const setup = () => {
  const clock = { now: START }
  const halo = createHaloClient({
    baseUrl: sandbox.url,
    clientId: 'halo-hooks-local',
    clientSecret: 'local-sandbox-secret',
    maxAttempts: 1,
  })
  const store = createMemoryCorrelationStore()
  const deps = {
    routes,
    halo,
    directory: createHaloDirectory(halo, { ttlMs: 60_000 }),
    store,
    logger: createJsonLogger({ write: () => undefined }),
    resolveAtSource: createResolveAtSource({ secrets: createMemorySecretStore({ routes: {} }) }),
    now: () => new Date(clock.now),
  }
  return { clock, deps, store }
}

/** Host `n`'s alert of the Acme outage, grouped at ingest by its tenant. */
const host = (n: number, status: 'firing' | 'resolved' = 'firing') =>
  envelopeFor(
    {
      key: `host-${n}`,
      title: `host-${n} unreachable`,
      status,
      tenant: { name: 'Acme' },
      group: 'Acme',
    },
    { route: 'outage' },
  )

/** Halo API calls made so far, without the token and the client's discovery of it. */
const apiCalls = () =>
  sandbox.sandbox
    .requests()
    .map((request) => request.path)
    .filter((path) => !/\/(auth\/token|api\/authinfo)$/.test(path))

describe('deliverEvent on a route with a group policy', () => {
  it('makes one incident ticket for a 50-host outage, lists later members in one merged note, and closes when all resolved', async () => {
    const { clock, deps, store } = setup()

    // Prepare: the outage fires 50 host alerts within a minute.
    const outcomes = []
    for (let n = 1; n <= 50; n++) {
      clock.now += 1_000
      outcomes.push(await deliverEvent(host(n), deps))
    }

    // Assess: one ticket, one create; the rest only recorded.
    const tickets = sandbox.sandbox.tickets()
    expect(tickets).toHaveLength(1)
    expect(tickets[0]).toMatchObject({
      summary: 'Incident (Acme): host-1 unreachable',
      third_party_id_string: 'hh:outage:incident:Acme',
    })
    expect(outcomes.map((o) => o.action)).toEqual(['create', ...Array(49).fill('record')])
    expect(new Set(outcomes.map((o) => o.key))).toEqual(new Set(['incident:Acme']))
    const record = await store.get('outage', 'incident:Acme')
    expect(Object.keys(record?.incident?.members ?? {})).toHaveLength(50)
    expect(record?.incident?.noteDueAt).toBe(new Date(START + 1_000 + 5 * 60_000).toISOString())

    // Act: a 51st host after the interval: one merged note names all 50 that joined.
    clock.now = START + 6 * 60_000
    expect(await deliverEvent(host(51), deps)).toMatchObject({ action: 'note' })
    const notes = sandbox.sandbox.actions(tickets[0]?.id as number)
    expect(notes).toHaveLength(1)
    expect(String(notes[0]?.note)).toMatch(
      /^50 more alerts joined this incident \(51 of 51 firing\):\n- host-2 unreachable \(host-2\)\n/,
    )
    expect(String(notes[0]?.note)).toContain('- and 25 more')

    // Act: every host resolves; only the last one's resolve closes the incident.
    const resolves = []
    for (let n = 1; n <= 51; n++) resolves.push(await deliverEvent(host(n, 'resolved'), deps))
    expect(resolves.map((o) => o.action)).toEqual([...Array(50).fill('record'), 'close'])
    expect(sandbox.sandbox.tickets()[0]).toMatchObject({ status_id: 9 })

    // 101 alerts cost a create, one note and one close.
    expect(apiCalls()).toEqual(['post /api/tickets', 'post /api/actions', 'post /api/actions'])
  })

  it('writes the merged note of the last joiners when its due time comes, with no other alert', async () => {
    const { clock, deps, store } = setup()
    for (let n = 1; n <= 5; n++) {
      clock.now += 1_000
      await deliverEvent(host(n), deps)
    }
    const waiting = await store.get('outage', 'incident:Acme')
    const dueAt = waiting?.incident?.noteDueAt as string
    expect(waiting?.incident?.joined.map((member) => member.key)).toEqual([
      'host-2',
      'host-3',
      'host-4',
      'host-5',
    ])

    // The due sweep lists the incident at its due time and queues a timer: one note, then nothing.
    clock.now = Date.parse(dueAt)
    const timer = dueEnvelope({ route: 'outage', key: 'incident:Acme', dueAt }, new Date(clock.now))
    expect(await deliverEvent(timer, deps)).toMatchObject({ outcome: 'delivered', action: 'note' })
    expect(await deliverEvent(timer, deps)).toMatchObject({ outcome: 'deduplicated' })
    const [ticket] = sandbox.sandbox.tickets()
    const notes = sandbox.sandbox.actions(ticket?.id as number)
    expect(notes).toHaveLength(1)
    expect(String(notes[0]?.note)).toMatch(
      /^4 more alerts joined this incident \(5 of 5 firing\):\n- host-2 unreachable/,
    )
    const after = await store.get('outage', 'incident:Acme')
    expect(after?.incident).toMatchObject({
      joined: [],
      notedAt: new Date(clock.now).toISOString(),
    })
    expect(after?.incident?.noteDueAt).toBeUndefined()
  })

  it('holds a due merged note back another interval while Halo is busy, and writes it after', async () => {
    const { clock, deps, store } = setup()
    let busy = true
    const pressed = { ...deps, halo: { ...deps.halo, busy: async () => busy } }
    await deliverEvent(host(1), pressed)
    clock.now += 6 * 60_000
    expect(await deliverEvent(host(2), pressed)).toMatchObject({
      action: 'record',
      reason: 'member joined (Halo busy: listed in the next merged note)',
    })
    const held = await store.get('outage', 'incident:Acme')
    expect(held?.incident?.noteDueAt).toBe(new Date(clock.now + 5 * 60_000).toISOString())

    busy = false
    clock.now += 5 * 60_000
    const dueAt = held?.incident?.noteDueAt as string
    const timer = dueEnvelope({ route: 'outage', key: 'incident:Acme', dueAt }, new Date(clock.now))
    expect(await deliverEvent(timer, pressed)).toMatchObject({ action: 'note' })
    const [ticket] = sandbox.sandbox.tickets()
    expect(String(sandbox.sandbox.actions(ticket?.id as number)[0]?.note)).toMatch(
      /^1 more alert joined this incident \(2 of 2 firing\):\n- host-2 unreachable/,
    )
  })

  it('gives an alert its own ticket when its group key yielded nothing', async () => {
    const { deps } = setup()
    const lone = envelopeFor({ key: 'printer-1', title: 'Printer jam' }, { route: 'outage' })
    expect(await deliverEvent(lone, deps)).toMatchObject({ action: 'create', key: 'printer-1' })
    expect(sandbox.sandbox.tickets()[0]).toMatchObject({
      summary: 'Printer jam',
      third_party_id_string: 'hh:outage:printer-1',
    })
  })

  it('applies a redelivered member once', async () => {
    const { deps } = setup()
    await deliverEvent(host(1), deps)
    await deliverEvent(host(2), deps)
    expect(await deliverEvent(host(2), deps)).toMatchObject({ outcome: 'deduplicated' })
    expect(sandbox.sandbox.tickets()).toHaveLength(1)
  })
})

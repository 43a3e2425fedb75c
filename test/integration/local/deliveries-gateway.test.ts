import { afterEach, describe, expect, it } from 'vitest'
import { runReplay } from '../../../local/replay.js'
import { envelopeKey } from '../../../shared/envelope.js'
import { alertmanagerNotification } from '../../support/alertmanager.js'
import { startTestGateway } from '../../support/gateway-harness.js'
import { eventually } from '../../support/processes.js'

let harness: Awaited<ReturnType<typeof startTestGateway>>
afterEach(async () => {
  harness.sandbox.clearFaults()
  await harness.gateway.close()
})

const fire = async (...fingerprints: string[]) => {
  const response = await harness.post(
    'prometheus',
    alertmanagerNotification(
      fingerprints.map((fingerprint) => ({
        fingerprint,
        status: 'firing' as const,
        labels: { secret_label: 'payload-value' },
      })),
    ),
  )
  expect(response.status).toBe(202)
  await harness.settled()
}

/** Halo refuses the next `count` new tickets with a 400: permanent, so they are parked. */
const refuseTickets = (count: number) =>
  harness.sandbox.setFaults({
    next: Array.from({ length: count }, () => ({
      status: 400,
      match: 'post /api/tickets',
      body: JSON.stringify({
        ClassName: 'System.Exception',
        Message: 'Ticket type 21 is inactive',
      }),
    })),
  })

const park = async (...fingerprints: string[]) => {
  refuseTickets(fingerprints.length)
  await fire(...fingerprints)
  expect(harness.gateway.queue.deadLetters()).toHaveLength(fingerprints.length)
}

const deliveries = async () =>
  (
    (await (await fetch(`${harness.gateway.url}/deliveries.json`)).json()) as {
      deliveries: unknown[]
    }
  ).deliveries

const replay = async (argv: string[], env: Record<string, string> = {}) => {
  const lines: string[] = []
  const code = await runReplay(
    argv,
    () => {
      throw new Error('--local must not make an SQS client')
    },
    (line) => lines.push(line),
    (ms) => new Promise((done) => setTimeout(done, Math.min(ms, 20))),
    env,
  )
  return { code, text: lines.join('\n') }
}

describe('the deliveries view on the local gateway', () => {
  it('replays a parked envelope through POST /deliveries/<id>/replay, and it becomes a ticket', async () => {
    harness = await startTestGateway()
    await park('fp-refused')
    const [letter] = harness.gateway.queue.deadLetters()
    const envelopeId = letter?.envelope.id as string
    expect(await deliveries()).toEqual([
      expect.objectContaining({
        envelopeId,
        outcome: 'parked',
        code: 'halo_request_failed',
        replayUrl: `${harness.gateway.url}/deliveries/${envelopeId}/replay`,
      }),
    ])

    expect(harness.sandbox.tickets()).toEqual([])
    const response = await fetch(`${harness.gateway.url}/deliveries/${envelopeId}/replay`, {
      method: 'POST',
      headers: { accept: 'application/json' },
    })
    expect(response.status).toBe(200)
    await harness.settled()

    const [ticket] = harness.ticketsOf('fp-refused')
    expect(ticket).toBeDefined()
    expect(harness.gateway.queue.deadLetters()).toEqual([])
    expect(await deliveries()).toEqual([
      expect.objectContaining({
        envelopeId,
        outcome: 'delivered',
        action: 'create',
        ticketId: ticket?.id,
        ticketUrl: `${harness.gateway.url}/halo/#ticket-${ticket?.id}`,
      }),
    ])
    expect(harness.logs.some((line) => line.includes('"envelope replayed"'))).toBe(true)
  })
})

describe('npm run replay -- --local', () => {
  it('previews the parked envelopes (id, route, key, why; never payloads) and moves nothing', async () => {
    harness = await startTestGateway()
    await park('fp-a', 'fp-b')

    const { code, text } = await replay(['--local', harness.gateway.url])

    expect(code).toBe(0)
    expect(text).toContain(`local dead-letter list at ${harness.gateway.url}: 2 parked envelope(s)`)
    for (const { envelope } of harness.gateway.queue.deadLetters()) {
      expect(text).toContain(`${envelope.id} route=prometheus key=${envelopeKey(envelope)}`)
    }
    expect(text).toMatch(/why: halo_request_failed: .*400.*Ticket type 21 is inactive/)
    expect(text).toContain('dry run: nothing moved')
    expect(text).not.toContain('payload-value')
    expect(harness.gateway.queue.deadLetters()).toHaveLength(2)
    expect(harness.sandbox.tickets()).toEqual([])
  })

  it('with --yes --wait replays each one and follows it to its new outcome', async () => {
    harness = await startTestGateway()
    await park('fp-a', 'fp-b') // Halo refused them once: it takes them now

    // The gateway's URL from HALO_HOOKS_URL, as `npm run send` takes it.
    const { code, text } = await replay(['--local', '--yes', '--wait'], {
      HALO_HOOKS_URL: harness.gateway.url,
    })

    expect(code).toBe(0)
    expect(text).toContain('2 of 2 moved back to the local queue (5/s).')
    expect(text).toMatch(/: delivered \(ticket #\d+\)/)
    expect(harness.ticketsOf('fp-a')).toHaveLength(1)
    expect(harness.ticketsOf('fp-b')).toHaveLength(1)
    expect(harness.gateway.queue.deadLetters()).toEqual([])
  })

  it('says so, and exits 1, when a replayed envelope is parked again', async () => {
    harness = await startTestGateway()
    await park('fp-a')
    refuseTickets(1) // the cause stays

    const { code, text } = await replay(['--local', harness.gateway.url, '--yes', '--wait'])

    expect(code).toBe(1)
    expect(text).toMatch(/: parked again: halo_request_failed: .*Ticket type 21 is inactive/)
    await eventually(async () => (harness.gateway.queue.deadLetters().length ? true : undefined))
  })

  it('has nothing to do when nothing is parked', async () => {
    harness = await startTestGateway()
    const { code, text } = await replay(['--local', harness.gateway.url, '--yes'])
    expect(code).toBe(0)
    expect(text).toContain('0 parked envelope(s)')
    expect(text).toContain('nothing to replay')
  })

  it('names a gateway that is not running, and refuses AWS options with --local', async () => {
    harness = await startTestGateway()
    const url = harness.gateway.url
    await harness.gateway.close()
    await expect(replay(['--local', url])).rejects.toThrow(
      `cannot reach the local gateway at ${url} (is npm start running?)`,
    )
    harness = await startTestGateway() // for afterEach
    await expect(replay(['--local', '--stack', 'Other'])).rejects.toThrow(
      '--stack, --dlq and --queue are for AWS',
    )
    await expect(replay(['http://127.0.0.1:8787'])).rejects.toThrow('only --local takes a URL')
  })
})

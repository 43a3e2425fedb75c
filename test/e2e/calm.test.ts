import { afterEach, describe, expect, it } from 'vitest'
import config from '../../halo-hooks.config.js'
import { type AmAlert, alertmanagerNotification } from '../support/alertmanager.js'
import { type SandboxTicket, startTestGateway } from '../support/gateway-harness.js'
import { eventually } from '../support/processes.js'

let harness: Awaited<ReturnType<typeof startTestGateway>>
afterEach(async () => {
  await harness.gateway.close()
})

/** The shipped config with the prometheus route's policies changed. */
const configWith = (fields: Record<string, unknown>) => {
  const changed = structuredClone(config) as unknown as {
    routes: Record<string, Record<string, unknown>>
  }
  changed.routes.prometheus = { ...changed.routes.prometheus, ...fields }
  return changed
}

let sent = 0
const send = async (alert: AmAlert) => {
  // Each notification differs, as a monitor's own would (its check counter): none is a resend.
  const body = alertmanagerNotification([{ ...alert, description: `check ${sent++}` }])
  const response = await harness.post('prometheus', body)
  expect(response.status).toBe(202)
  await harness.settled()
}

/** What a due sweep run now (at the gateway's clock) lists: problems whose time has come. */
const dueNow = async () => (await harness.gateway.dueSweep()).listed

/** The problem's tickets once `done` says they are as expected (the gateway's own due timer). */
const ticketsOnceTimed = (key: string, done: (tickets: SandboxTicket[]) => boolean) =>
  eventually(async () => {
    const tickets = harness.ticketsOf(key)
    return done(tickets) ? tickets : undefined
  }, 10_000)

// The gateway's due sweep runs every 50 ms here (15 s by default): the clock the tests move
// decides what is due, the timer only queues it.
const TIMERS = { timers: true, dueEveryMs: 50 }

const ours = (ticket: { actions: { note?: string }[] }) =>
  ticket.actions.filter((action) => action.note?.includes('[halo-hooks ref '))

describe('noise policies over HTTP (Alertmanager → gateway → sandbox)', () => {
  it('a flapping monitor: one note, then no close, no reopen and no new ticket while it flaps', async () => {
    harness = await startTestGateway({
      ...TIMERS,
      config: configWith({
        noise: { flapping: { changes: 3, withinMinutes: 30, quietMinutes: 20 } },
        lifecycle: { resolve: 'close', afterClosed: 'reopen' },
      }),
    })
    const monitor = { fingerprint: 'fp-ping', labels: { host: 'acme-fw01' } }

    // Up and down every two minutes for half an hour.
    for (let index = 0; index < 16; index += 1) {
      await send({ ...monitor, status: index % 2 === 0 ? 'firing' : 'resolved' })
      harness.advance(2)
    }

    const tickets = harness.ticketsOf('fp-ping')
    expect(tickets).toHaveLength(1)
    const notes = ours(tickets[0] as never).map((action) => action.note?.split('\n')[0])
    // Before the third change it went its usual way (a close and a reopen); then one note.
    expect(notes).toEqual([
      expect.stringMatching(/^Resolved at the source; closing\./),
      expect.stringMatching(/^Recurred after the ticket was closed; reopening\./),
      expect.stringMatching(/^Flapping: the status changed 3 times within 30 min\./),
    ])
    expect(tickets[0]?.status_id).not.toBe(9)

    // Quiet since the last resolve: once 20 min have passed, the timer settles it closed, once.
    expect(await dueNow()).toBe(0)
    harness.advance(20)
    const [settled] = await ticketsOnceTimed('fp-ping', ([ticket]) => ticket?.status_id === 9)
    await harness.settled()
    expect(await dueNow()).toBe(0)
    expect(ours(settled as never).at(-1)?.note).toMatch(
      /^Stable for 20 min after flapping, resolved at the source; closing\./,
    )
  })

  it('with quiet resolves and counted repeats too, a flapping monitor gets exactly one note and never churns', async () => {
    harness = await startTestGateway({
      ...TIMERS,
      config: configWith({
        noise: { flapping: { changes: 3, withinMinutes: 30, quietMinutes: 20 } },
        lifecycle: { resolve: 'close', repeat: 'count', resolveAfterQuietMinutes: 10 },
      }),
    })
    const monitor = { fingerprint: 'fp-vpn', labels: { host: 'acme-fw02' } }

    for (let index = 0; index < 16; index += 1) {
      await send({ ...monitor, status: index % 2 === 0 ? 'firing' : 'resolved' })
      harness.advance(2)
    }

    const [ticket, ...others] = harness.ticketsOf('fp-vpn')
    expect(others).toEqual([])
    expect(ticket?.status_id).not.toBe(9)
    expect(ours(ticket as never).map((action) => action.note?.split('\n')[0])).toEqual([
      expect.stringMatching(/^Flapping: the status changed 3 times within 30 min\./),
    ])
    expect(ticket?.actions.some((action) => action.new_status !== undefined)).toBe(false)
  })

  it('out of hours, a non-urgent alert is held and its ticket created when hours begin', async () => {
    // The gateway's clock starts on Saturday 28 November 2026, 12:00 GMT; hours begin at 12:10.
    harness = await startTestGateway({
      ...TIMERS,
      config: configWith({
        businessHours: {
          timezone: 'Europe/London',
          weekly: [{ days: ['sat'], from: '12:10', to: '18:00' }],
          outOfHours: 'defer',
        },
        ticket: {
          summary: '{% alert.title %}',
          priority_id: '{% alert.inBusinessHours ? 3 : 1 %}',
        },
      }),
    })
    await send({ fingerprint: 'fp-disk', status: 'firing', labels: { severity: 'warning' } })
    await send({ fingerprint: 'fp-dc', status: 'firing', labels: { severity: 'critical' } })
    await send({ fingerprint: 'fp-cert', status: 'firing', labels: { severity: 'warning' } })
    await send({ fingerprint: 'fp-cert', status: 'resolved', labels: { severity: 'warning' } })

    // The critical one went through at once, with the out-of-hours priority; the others wait.
    expect(harness.ticketsOf('fp-dc')).toMatchObject([{ priority_id: 1 }])
    expect(harness.ticketsOf('fp-disk')).toEqual([])
    expect(await dueNow()).toBe(0)

    // Hours begin: the gateway's due timer creates the held ticket.
    harness.advance(10)
    await ticketsOnceTimed('fp-disk', (tickets) => tickets.length > 0)
    await harness.settled()
    expect(harness.ticketsOf('fp-disk')).toMatchObject([
      { summary: 'Disk full (fp-disk)', priority_id: 3, client_id: 1 },
    ])
    // Resolved before the opening: no ticket at all.
    expect(harness.ticketsOf('fp-cert')).toEqual([])
    expect(await dueNow()).toBe(0)
    expect(harness.ticketsOf('fp-disk')).toHaveLength(1)
  })
})

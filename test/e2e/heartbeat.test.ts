import { afterEach, describe, expect, it } from 'vitest'
import { alertmanagerNotification } from '../support/alertmanager.js'
import { PROMETHEUS_TOKEN, startTestGateway } from '../support/gateway-harness.js'
import { eventually } from '../support/processes.js'

// A dead-man's switch through the gateway over HTTP, its due sweep on a short period, and the
// sandbox: a missed heartbeat opens a ticket on its own (no request brings it), the ping closes it.

const BACKUP_TOKEN = 'e2e-backup-token'

const CONFIG = {
  routes: {
    backups: {
      source: 'heartbeat',
      auth: { type: 'query', param: 'token' },
      heartbeat: { expectEveryMinutes: 60, graceMinutes: 10 },
      ticket: { summary: '{% alert.title %}', details: '{% alert.description %}', client_id: 12 },
    },
    // Alertmanager's Watchdog on a route of its own: every alert is a ping for its key.
    watchdog: {
      source: 'alertmanager',
      auth: { type: 'bearer' },
      heartbeat: { expectEveryMinutes: 5, graceMinutes: 2, severity: 'critical' },
      ticket: { summary: '{% alert.title %}', client_id: 12 },
    },
  },
}

let harness: Awaited<ReturnType<typeof startTestGateway>>
afterEach(async () => {
  await harness.gateway.close()
})

const start = async () => {
  harness = await startTestGateway({
    config: CONFIG,
    secrets: {
      routes: {
        backups: { current: BACKUP_TOKEN },
        watchdog: { current: PROMETHEUS_TOKEN },
      },
    },
    dueEveryMs: 20,
  })
  return harness
}

/** A cron entry's ping: a GET of the route's URL with the key and token in the query string. */
const ping = async (key: string, name: string) => {
  const query = new URLSearchParams({ token: BACKUP_TOKEN, key, name })
  const response = await fetch(`${harness.gateway.url}/hooks/backups?${query}`)
  expect(response.status).toBe(202)
  await harness.settled()
}

const closingNotes = (ticket: { actions: { note?: string }[] }) =>
  ticket.actions.filter((action) => action.note?.startsWith('Heartbeat received again at'))

describe("heartbeats (dead-man's switch) through the gateway and the sandbox", () => {
  it('opens a ticket when the pings stop and closes it on the next ping', async () => {
    await start()
    expect(harness.gateway.dueEveryMs).toBe(20)

    await ping('backup-nas01', 'Nightly backup of nas01')
    harness.advance(60)
    await ping('backup-nas01', 'Nightly backup of nas01')
    harness.advance(69) // 69 minutes of silence: within the grace
    await harness.gateway.dueSweep()
    await harness.settled()
    expect(harness.sandbox.tickets()).toEqual([])

    harness.advance(2) // past the deadline: the gateway's own timer notices, no request needed
    const [missed] = await eventually(async () => {
      const tickets = harness.ticketsOf('backup-nas01', 'backups')
      return tickets.length ? tickets : undefined
    })
    expect(missed).toMatchObject({
      summary: 'No heartbeat from Nightly backup of nas01 since 2026-11-28 13:00 UTC',
      client_id: 12,
      status_id: 1,
    })
    await harness.settled()

    harness.advance(30)
    await ping('backup-nas01', 'Nightly backup of nas01')

    const tickets = harness.ticketsOf('backup-nas01', 'backups')
    expect(tickets).toHaveLength(1)
    expect(tickets[0]).toMatchObject({ id: missed?.id, status_id: 9 })
    expect(closingNotes(tickets[0] as never)).toHaveLength(1)
    // Watched again: no second ticket while it keeps pinging.
    harness.advance(60)
    await ping('backup-nas01', 'Nightly backup of nas01')
    await harness.gateway.dueSweep()
    await harness.settled()
    expect(harness.ticketsOf('backup-nas01', 'backups')).toHaveLength(1)
  })

  it("turns Alertmanager's Watchdog into a heartbeat: its unchanged notification is a new ping each time", async () => {
    await start()
    const watchdog = alertmanagerNotification([
      {
        fingerprint: 'watchdog',
        status: 'firing',
        labels: { alertname: 'Watchdog', severity: 'none' },
        summary: 'Watchdog',
      },
    ])
    const send = async () => {
      const response = await harness.post('watchdog', watchdog)
      expect(response.status).toBe(202)
      await harness.settled()
    }

    await send()
    for (let minute = 0; minute < 3; minute++) {
      harness.advance(4) // each repeat moves the deadline: never 7 minutes of silence
      await send()
      await harness.gateway.dueSweep()
      await harness.settled()
    }
    expect(harness.sandbox.tickets()).toEqual([])
    const pings = (await harness.gateway.history.list()).filter(
      (entry) => entry.route === 'watchdog' && entry.outcome === 'recorded',
    )
    expect(pings).toHaveLength(4)

    harness.advance(8)
    const [missed] = await eventually(async () => {
      const tickets = harness.ticketsOf('watchdog', 'watchdog')
      return tickets.length ? tickets : undefined
    })
    expect(missed?.summary).toBe('No heartbeat from Watchdog since 2026-11-28 12:12 UTC')
    await harness.settled()

    await send()
    expect(harness.ticketsOf('watchdog', 'watchdog')[0]).toMatchObject({ status_id: 9 })
  })
})

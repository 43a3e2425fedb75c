import config from '../halo-hooks.config.js'
import { startGateway } from '../local/gateway.js'
import { compileConfig } from '../shared/config/compile-config.js'
import { silentLogger } from '../shared/observability.js'
import { createMemorySecretStore } from '../shared/secrets/memory-secret-store.js'
import { alertmanagerNotification } from '../test/support/alertmanager.js'
import { ratio } from './support/format.js'

// A monitor that flaps (down, up, down...) every 2 minutes for 2 hours, then stays up, through
// the whole local pipeline into the Halo sandbox, on the gateway's own clock moved by the run (the
// gateway's due sweep, run at each minute, queues the timers). Counts what Halo received with each route policy,
// against the same route without one in the same run. Reports numbers; asserts nothing.

const TOKEN = 'flapping-prometheus-token'
const EVENTS = 60
const EVERY_MINUTES = 2
/** After the last event, minutes the clock runs on (longer than any quiet period below). */
const AFTER_MINUTES = 45

type Case = { title: string; fields: Record<string, unknown> }

const CASES: Case[] = [
  { title: 'no policy (baseline)', fields: {} },
  { title: 'afterClosed: reopen', fields: { lifecycle: { afterClosed: 'reopen' } } },
  {
    title: 'noise.flapping (4 changes in 30 min, quiet 30 min)',
    fields: { noise: { flapping: { changes: 4, withinMinutes: 30, quietMinutes: 30 } } },
  },
  {
    title: 'noise.flapping + afterClosed: reopen',
    fields: {
      noise: { flapping: { changes: 4, withinMinutes: 30, quietMinutes: 30 } },
      lifecycle: { afterClosed: 'reopen' },
    },
  },
  {
    title: 'resolveAfterQuietMinutes: 10',
    fields: { lifecycle: { resolveAfterQuietMinutes: 10 } },
  },
]

const runCase = async ({ fields }: Case) => {
  const shipped = structuredClone(config) as unknown as {
    routes: Record<string, Record<string, unknown>>
  }
  shipped.routes.prometheus = { ...shipped.routes.prometheus, ...fields }
  let now = new Date('2027-01-05T10:00:00.000Z')
  const gateway = await startGateway({
    compiled: compileConfig(shipped),
    secrets: createMemorySecretStore({ routes: { prometheus: { current: TOKEN } } }),
    logger: silentLogger,
    port: 0,
    now: () => now,
    reconcile: { ...compileConfig(shipped).config.reconcile, enabled: false },
    // The run sweeps at each minute of its own clock instead.
    timers: false,
    worker: { pollMs: 5 },
  })
  const sandbox = gateway.sandbox
  if (!sandbox) throw new Error('the run needs the built-in sandbox')
  const settled = async () => {
    for (;;) {
      const { queued, inFlight } = gateway.queue.stats()
      if (queued + inFlight === 0) return
      await new Promise((resolve) => setTimeout(resolve, 5))
    }
  }
  const sweep = async () => {
    await gateway.dueSweep()
    await settled()
  }
  try {
    const minutes = EVENTS * EVERY_MINUTES + AFTER_MINUTES
    for (let minute = 0; minute < minutes; minute += 1) {
      const index = minute / EVERY_MINUTES
      if (Number.isInteger(index) && index < EVENTS) {
        const body = alertmanagerNotification([
          {
            fingerprint: 'fp-ping',
            status: index % 2 === 0 ? 'firing' : 'resolved',
            labels: { host: 'acme-fw01' },
            description: `check ${index}`,
          },
        ])
        const response = await fetch(`${gateway.url}/hooks/prometheus`, {
          method: 'POST',
          body,
          headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
        })
        if (response.status !== 202) throw new Error(`ingest answered ${response.status}`)
        await settled()
      }
      await sweep()
      now = new Date(now.getTime() + 60_000)
    }
    const api = sandbox.requests().filter((request) => request.path.includes('/api/'))
    const tickets = sandbox.tickets()
    const actions = tickets.flatMap((ticket) => sandbox.actions(ticket.id))
    return {
      requests: api.length,
      tickets: tickets.length,
      closes: actions.filter((action) => action.new_status === 9).length,
      reopens: actions.filter((action) => action.new_status === 1).length,
      notes: actions.filter((action) => action.new_status === undefined).length,
      open: tickets.filter((ticket) => (ticket as { status_id?: number }).status_id !== 9).length,
    }
  } finally {
    await gateway.close()
  }
}

export const benchFlapping = async (): Promise<string[]> => {
  const lines = [
    `A monitor flaps every ${EVERY_MINUTES} min (${EVENTS} events: ${EVENTS / 2} down, ${EVENTS / 2} up) through the local gateway into the Halo sandbox, then stays up; the clock runs ${AFTER_MINUTES} min on with a due sweep each minute. Halo API requests (reads included), tickets and status changes:`,
    '',
    '| route policy | Halo requests | vs baseline | tickets | closes | reopens | notes | left open |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
  ]
  let baseline = 0
  for (const flapCase of CASES) {
    const result = await runCase(flapCase)
    if (baseline === 0) baseline = result.requests
    lines.push(
      `| ${flapCase.title} | ${result.requests} | ${ratio(result.requests, baseline)} | ${result.tickets} | ${result.closes} | ${result.reopens} | ${result.notes} | ${result.open} |`,
    )
  }
  return lines
}

import config from '../halo-hooks.config.js'
import { alertmanagerNotification } from '../test/support/alertmanager.js'
import { startTestGateway } from '../test/support/gateway-harness.js'
import { ratio } from './support/format.js'

// What incident grouping saves in a storm: a site outage takes 50 hosts of one client down. The
// same outage runs through the local gateway into the Halo sandbox twice, with the shipped config
// (one ticket per alert) and with a `group` policy on its route (default key: the client), and
// every request halo-hooks makes to Halo is counted (token, lookups, reads and writes). Reports
// numbers; asserts nothing.

const HOSTS = 50
const LATE = 3

const notification = (
  status: 'firing' | 'resolved',
  count: number,
  from = 1,
  description = 'no reply to ping',
) =>
  alertmanagerNotification(
    Array.from({ length: count }, (_, n) => ({
      fingerprint: `outage-host-${from + n}`,
      status,
      labels: { alertname: 'HostDown', customer: 'acme', host: `acme-host-${from + n}` },
      summary: `acme-host-${from + n} unreachable`,
      description,
    })),
  )

type Run = { requests: number; events: number; tickets: number; writes: number }

const run = async (grouped: boolean): Promise<Run> => {
  const prometheus = { ...config.routes.prometheus, ...(grouped ? { group: {} } : {}) }
  const harness = await startTestGateway({
    config: { ...config, routes: { ...config.routes, prometheus } },
  })
  let events = 0
  const post = async (body: string, count: number) => {
    const response = await harness.post('prometheus', body)
    if (response.status !== 202) throw new Error(`ingest answered ${response.status}`)
    events += count
    await harness.settled()
  }
  try {
    // The outage: 50 hosts fire, Alertmanager repeats them 2 minutes later, 3 more hosts go down
    // 6 minutes in, and 25 minutes in the site is back and all 53 resolve.
    await post(notification('firing', HOSTS), HOSTS)
    harness.advance(2)
    // A repeat that differs (a new value), so it is not the same delivery deduplicated again.
    await post(notification('firing', HOSTS, 1, 'still no reply to ping'), HOSTS)
    harness.advance(4)
    await post(notification('firing', LATE, HOSTS + 1), LATE)
    harness.advance(19)
    await post(notification('resolved', HOSTS + LATE), HOSTS + LATE)
    const requests = harness.sandbox.requests()
    return {
      requests: requests.length,
      events,
      tickets: harness.sandbox.tickets().length,
      writes: requests.filter(
        (request) => request.method === 'POST' && request.path.includes('/api/'),
      ).length,
    }
  } finally {
    await harness.gateway.close()
  }
}

const line = (label: string, result: Run) =>
  `  ${label.padEnd(18)} ${(result.requests / result.events).toFixed(3)} Halo requests per event (${result.requests} for ${result.events} events; ${result.writes} writes); tickets: ${result.tickets}`

export const benchIncident = async (): Promise<string[]> => {
  const ungrouped = await run(false)
  const grouped = await run(true)
  return [
    `a site outage of one client: ${HOSTS} hosts fire, repeat after 2 min, ${LATE} more join at 6 min, all ${HOSTS + LATE} resolve at 25 min`,
    '(per event: every request halo-hooks made to the Halo sandbox ÷ alerts received)',
    line('one ticket per alert', ungrouped),
    line('group policy', grouped),
    `  grouped / ungrouped: ${ratio(grouped.requests, ungrouped.requests)} (goal: at most 0.10×)`,
  ]
}

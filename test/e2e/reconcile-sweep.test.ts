import { afterEach, describe, expect, it } from 'vitest'
import { alertmanagerNotification } from '../support/alertmanager.js'
import { startTestGateway } from '../support/gateway-harness.js'
import { eventually } from '../support/processes.js'

let harness: Awaited<ReturnType<typeof startTestGateway>>
afterEach(async () => {
  await harness.gateway.close()
})

const send = async (...alerts: Parameters<typeof alertmanagerNotification>[0]) => {
  const response = await harness.post('prometheus', alertmanagerNotification(alerts))
  expect(response.status).toBe(202)
  await harness.settled()
}

/** Halo requests since `from` (an index into the sandbox's request log), as `METHOD path`. */
const haloRequestsSince = (from: number) =>
  harness.sandbox
    .requests()
    .slice(from)
    .map((request) => `${request.method} ${request.path}`)

const isTicketRead = (request: string) => /^GET get \/api\/tickets\/\d+/.test(request)
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe('the reconcile sweep in the local gateway (sandbox webhooks off)', () => {
  it('finds a technician close whose webhook was lost within one sweep period, and the next firing opens a new ticket', async () => {
    harness = await startTestGateway({ sandboxWebhooks: 'off', reconcileEveryMs: 200 })
    const alert = { fingerprint: 'fp-lost', labels: { host: 'acme-dc01' } }
    await send({ ...alert, status: 'firing' })
    const [ticket] = harness.ticketsOf('fp-lost')
    harness.advance(1)
    const before = harness.sandbox.requests().length

    harness.sandbox.closeAsTechnician(ticket?.id as number)
    const closed = await eventually(async () => {
      const record = await harness.gateway.store.get('prometheus', 'fp-lost')
      return record?.state === 'closed' ? record : undefined
    })

    expect(closed).toMatchObject({ ticketId: ticket?.id })
    // A sweep read the ticket and found it closed: no webhook came. (A sweep that ran while
    // the change it queued was on its way may have read it once more: sweeps run every 200 ms.)
    const reads = haloRequestsSince(before).filter(isTicketRead)
    expect(reads.length).toBeGreaterThanOrEqual(1)
    expect(new Set(reads)).toEqual(new Set([`GET get /api/tickets/${ticket?.id}`]))
    expect(harness.sandbox.webhookDeliveries()).toEqual([])
    // Once the problem is closed, the sweeps read its ticket no more.
    await pause(500)
    const settledReads = haloRequestsSince(before).filter(isTicketRead).length
    await pause(1_000)
    expect(haloRequestsSince(before).filter(isTicketRead)).toHaveLength(settledReads)
    const applied = (await harness.gateway.history.list()).find((entry) => entry.action === 'apply')
    expect(applied).toMatchObject({ ticketId: ticket?.id, reason: 'closed in Halo' })

    harness.advance(1) // inside recheckAfterMinutes: without the sweep this firing would note
    const refire = harness.sandbox.requests().length
    await send({ ...alert, status: 'firing', description: 'again' })
    expect(harness.ticketsOf('fp-lost').map((t) => t.status_id)).toEqual([9, 1])
    expect(haloRequestsSince(refire).filter((request) => !isTicketRead(request))).toEqual([
      'POST post /api/tickets',
    ])
  })

  it('carries on where a sweep cut short by the budget stopped: every open ticket is read once before any twice', async () => {
    // 8 requests per second, the sweep's share one of them: one sweep read per window.
    harness = await startTestGateway({
      sandboxWebhooks: 'off',
      budget: { limit: 8, windowSeconds: 1 },
      reconcile: { enabled: false, maxBudgetShare: 0.125 },
    })
    const keys = ['fp-a', 'fp-b', 'fp-c']
    await send(...keys.map((fingerprint) => ({ fingerprint, status: 'firing' as const })))
    const ids = keys.map((key) => harness.ticketsOf(key)[0]?.id as number)
    // Last in line (same first-seen time, so by key): found only once the other two were read.
    harness.sandbox.closeAsTechnician(ids[2] as number)
    const before = harness.sandbox.requests().length

    await eventually(async () => {
      harness.advance(1)
      const report = await harness.gateway.sweep()
      expect(report.queued).toBeLessThanOrEqual(1)
      await harness.settled()
      const record = await harness.gateway.store.get('prometheus', 'fp-c')
      return record?.state === 'closed' ? record : undefined
    })

    const reads = haloRequestsSince(before).filter(isTicketRead)
    expect(reads).toEqual(ids.map((id) => `GET get /api/tickets/${id}`))
  })

  it('reads nothing while deliveries hold its share of a busy budget, and never more than its share in any window', async () => {
    // 20 requests per 2 s, the sweep's share a quarter: at most 5 sweep reads in any window.
    const windowMs = 2_000
    harness = await startTestGateway({
      sandboxWebhooks: 'off',
      budget: { limit: 20, windowSeconds: windowMs / 1000 },
      reconcile: { enabled: false, maxBudgetShare: 0.25, maxTicketsPerSweep: 50 },
    })
    const keys = Array.from({ length: 8 }, (_, index) => `fp-busy-${index}`)
    await send(...keys.map((fingerprint) => ({ fingerprint, status: 'firing' as const })))
    expect(keys.flatMap((key) => harness.ticketsOf(key))).toHaveLength(8)

    // Eight creates (and a token) are in the window: the sweep's share is taken, it stops at once.
    const busy = await harness.gateway.sweep()
    expect(busy).toEqual({
      listed: 5,
      queued: 0,
      unchanged: 0,
      failed: 0,
      unrouted: 0,
      stoppedBy: 'budget',
    })

    // Deliveries go on (a new problem every 300 ms) while sweeps run in between; then, once
    // they stop, sweeps run back to back.
    const start = harness.sandbox.requests().length
    const reads = () =>
      harness.sandbox
        .requests()
        .slice(start)
        .filter((request) => isTicketRead(`${request.method} ${request.path}`))
    let fired = 0
    while (fired < 10) {
      await send({ fingerprint: `fp-more-${fired++}`, status: 'firing' })
      await harness.gateway.sweep()
      await pause(300)
    }
    while (reads().length < 8) {
      await harness.gateway.sweep()
      await pause(50)
    }
    await harness.settled()

    const times = reads().map((request) => request.at)
    const mostInAnyWindow = Math.max(
      ...times.map((at) => times.filter((other) => other > at - windowMs && other <= at).length),
    )
    expect(mostInAnyWindow).toBeLessThanOrEqual(5)
    // Every firing got its ticket: the sweep took nothing deliveries needed.
    expect(harness.gateway.queue.deadLetters()).toEqual([])
    for (let index = 0; index < fired; index++) {
      expect(harness.ticketsOf(`fp-more-${index}`)).toHaveLength(1)
    }
  })
})

import { alertmanagerNotification } from '../test/support/alertmanager.js'
import { PROMETHEUS_TOKEN, startTestGateway } from '../test/support/gateway-harness.js'

// What Halo's own webhooks save: the same problems' lives through the local gateway into the
// Halo sandbox, once with the sandbox sending its webhooks to the `halo` route and once without,
// counting every request halo-hooks makes to Halo. Each problem fires, repeats twice, is closed
// by a technician in Halo, and fires again: once soon after (inside recheckAfterMinutes, where
// without the webhook the state is stale) and once after the recheck window.

const PROBLEMS = 20
const WEBHOOK_PASSWORD = 'bench-halo-webhook-password'
/** The shipped config's closing status. */
const CLOSED = 9

type Run = {
  requests: number
  reads: number
  /** Source events (firings and repeats) halo-hooks delivered. */
  events: number
  /** Notes written on a ticket a technician had closed: what stale state costs the technician. */
  notesOnClosed: number
  /** Problems firing again after the close with no open ticket: counted on a closed one. */
  unseen: number
}

const run = async (refireAfterMinutes: number, webhooks: boolean): Promise<Run> => {
  const harness = await startTestGateway({
    secrets: {
      routes: {
        prometheus: { current: PROMETHEUS_TOKEN },
        halo: { current: WEBHOOK_PASSWORD },
      },
    },
    sandboxWebhooks: webhooks ? 'key-fields' : 'off',
  })
  try {
    const fingerprints = Array.from({ length: PROBLEMS }, (_, i) => `fp-two-way-${i}`)
    const fire = async (description: string) => {
      const alerts = fingerprints.map((fingerprint) => ({
        fingerprint,
        status: 'firing' as const,
        labels: { host: `host-${fingerprint}` },
        description,
      }))
      const response = await harness.post('prometheus', alertmanagerNotification(alerts))
      if (response.status !== 202) throw new Error(`ingest answered ${response.status}`)
      await harness.settled()
    }
    const start = harness.sandbox.requests().length
    await fire('first')
    harness.advance(1)
    await fire('repeat 1')
    harness.advance(1)
    await fire('repeat 2')
    const closedTickets = fingerprints.map((fp) => harness.ticketsOf(fp)[0]?.id as number)
    for (const id of closedTickets) harness.sandbox.closeAsTechnician(id)
    await harness.sandbox.webhooksSettled()
    await harness.settled()
    harness.advance(refireAfterMinutes)
    await fire('again')
    const requests = harness.sandbox.requests().slice(start)
    const tickets = fingerprints.flatMap((fp) => harness.ticketsOf(fp))
    // Actions written after the technician's close (the last action an agent made in Halo).
    const notesOnClosed = closedTickets
      .map((id) => tickets.find((ticket) => ticket.id === id)?.actions ?? [])
      .map((actions) => {
        const closedAt = actions.findLastIndex((action) => 'actionby_agent_id' in action)
        return actions.length - 1 - closedAt
      })
      .reduce((sum, count) => sum + count, 0)
    return {
      requests: requests.length,
      reads: requests.filter((request) => request.method === 'GET').length,
      events: PROBLEMS * 4,
      notesOnClosed,
      unseen: fingerprints.filter((fp) => harness.ticketsOf(fp).at(-1)?.status_id === CLOSED)
        .length,
    }
  } finally {
    await harness.gateway.close()
  }
}

const line = (label: string, result: Run) =>
  `  ${label.padEnd(22)} ${(result.requests / result.events).toFixed(3)} Halo requests per event (${result.requests} for ${result.events}; ${result.reads} reads); firing again with no open ticket: ${result.unseen} of ${PROBLEMS}; notes on a closed ticket: ${result.notesOnClosed}`

export const benchTwoWay = async (): Promise<string[]> => {
  const lines: string[] = [
    `${PROBLEMS} problems, each: fires, repeats twice, closed by a technician in Halo, fires again`,
    '(per event: Halo requests ÷ source events; the first firings create, look up assets and take a token)',
  ]
  for (const minutes of [5, 20]) {
    const without = await run(minutes, false)
    const withWebhook = await run(minutes, true)
    lines.push(
      `fires again ${minutes} min after the close (recheckAfterMinutes 15):`,
      line('without the webhook', without),
      line("with Halo's webhook", withWebhook),
      `  ratio with / without: ${(withWebhook.requests / without.requests).toFixed(2)}×`,
    )
  }
  return lines
}

import type { Alert } from '../../shared/alert.js'
import { type AlertEnvelope, type Envelope, envelopeId } from '../../shared/envelope.js'

/** A valid envelope for tests; `alert` fields override the defaults. */
export const envelopeFor = (
  alert: Partial<Alert> = {},
  overrides: Partial<AlertEnvelope> = {},
): AlertEnvelope => {
  const full: Alert = {
    key: 'disk-db01',
    status: 'firing',
    severity: 'high',
    title: 'Disk almost full on db01',
    description: 'C: has 3% free',
    occurredAt: '2026-11-28T07:00:00.000Z',
    labels: {},
    ...alert,
  }
  return {
    v: 1,
    id: envelopeId(`test:${full.key}:${full.occurredAt}`, full),
    route: 'example-hmac',
    source: 'generic',
    type: 'generic.alert',
    receivedAt: '2026-11-28T07:00:01.000Z',
    alert: full,
    raw: { id: full.key },
    ...overrides,
  }
}

/**
 * The envelopes a queue holds, each of which must carry an alert: a test of an alert sender
 * fails here, not on a missing field, when a ticket event was queued instead.
 */
export const pendingAlerts = (queue: { pending(): Envelope[] }): AlertEnvelope[] =>
  queue.pending().map((envelope) => {
    if (envelope.v !== 1) throw new Error(`envelope ${envelope.id} carries no alert`)
    return envelope
  })

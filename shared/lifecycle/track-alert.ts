import type { Alert } from '../alert.js'
import { withDeferralTracked } from './business-hours.js'
import type { CorrelationRecord, CorrelationState } from './correlation-store.js'
import { withFlapTracked } from './flapping.js'
import type { NoisePolicy } from './lifecycle-policy.js'
import { withQuietResolveTracked } from './quiet-resolve.js'

/**
 * The state an alert event leaves, whatever was decided for it: its status change counted for
 * flapping, a pending quiet close cancelled by a firing, a deferral dropped once the problem is
 * no longer deferred. The decisions' own next states (effects.ts) set these deadlines; this keeps
 * them true to every other event, so no policy has to be told about every decision kind.
 */
export const trackAlert = (
  next: CorrelationState,
  record: CorrelationRecord | undefined,
  alert: Pick<Alert, 'status'>,
  now: Date,
  noise: Pick<NoisePolicy, 'flapping'>,
): CorrelationState =>
  withDeferralTracked(
    withQuietResolveTracked(
      withFlapTracked(next, record, alert.status, now, noise.flapping),
      alert.status,
    ),
  )

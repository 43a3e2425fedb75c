import type { HeartbeatPolicy } from './heartbeat-policy.js'

/** How long after a ping the next one is overdue, in milliseconds. */
export const heartbeatSilenceMs = (policy: HeartbeatPolicy): number =>
  (policy.expectEveryMinutes + policy.graceMinutes) * 60_000

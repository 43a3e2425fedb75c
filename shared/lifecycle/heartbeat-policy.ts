import { SEVERITIES } from '../alert.js'
import * as z from '../zod-mini.js'

/**
 * A dead-man's switch on a route: every alert the route receives is a ping for its alert key, and
 * a key that has not pinged for `expectEveryMinutes` + `graceMinutes` gets a ticket ("no heartbeat
 * from …"), closed by its next ping. A key is watched from its first ping on.
 */
export const HeartbeatPolicySchema = z.lazy(() =>
  z.pipe(
    z.strictObject({
      /** How often the sender pings (its schedule: 60 for an hourly job, 1440 for a daily one). */
      expectEveryMinutes: z.number().check(z.int(), z.positive(), z.lte(527_040)),
      /**
       * How late a ping may be before it counts as missed: the job's own run time and the sender's
       * retries. @default 10 % of `expectEveryMinutes`, at least 5
       */
      graceMinutes: z.optional(z.number().check(z.int(), z.nonnegative(), z.lte(527_040))),
      /** The missed-heartbeat ticket's alert severity, for the route's templates. @default high */
      severity: z._default(z.enum(SEVERITIES), 'high'),
    }),
    z.transform(({ expectEveryMinutes, graceMinutes, severity }) => ({
      expectEveryMinutes,
      graceMinutes: graceMinutes ?? Math.max(5, Math.round(expectEveryMinutes / 10)),
      severity,
    })),
  ),
)

export type HeartbeatPolicy = z.output<typeof HeartbeatPolicySchema>

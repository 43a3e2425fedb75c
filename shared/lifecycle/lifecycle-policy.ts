import { SEVERITIES } from '../alert.js'
import * as z from '../zod-mini.js'
import { DAYS } from './weekly-hours.js'

const minutes = z.number().check(z.int(), z.nonnegative())

/** What a route does over an alert's life. Every field has the default a technician expects. */
export const LifecyclePolicySchema = z
  .strictObject({
    /** A repeat while the ticket is open: add a private note, or only count it. @default note */
    repeat: z._default(z.enum(['note', 'count']), 'note'),
    /** At most one "recurred" note per this many minutes; repeats between are counted. @default 60 */
    noteEveryMinutes: z._default(minutes, 60),
    /**
     * A resolve while the ticket is open: close it (with a note), note it only, ignore it, or
     * close it only while no technician has worked it (`close-if-untouched`: reads the ticket and
     * its actions first, and adds a note instead when someone acted on it or took it).
     * @default close
     */
    resolve: z._default(z.enum(['close', 'note', 'ignore', 'close-if-untouched']), 'close'),
    /** The status that closes a ticket. @default 9 (stock Halo's Closed) */
    closedStatusId: z._default(z.number().check(z.int(), z.positive()), 9),
    /** The status a reopened ticket gets. @default 1 (New) */
    reopenStatusId: z._default(z.number().check(z.int(), z.positive()), 1),
    /** Outcome (action type) of our notes, by name as Halo shows it. @default "Private Note" */
    outcome: z._default(z.string().check(z.minLength(1)), 'Private Note'),
    /** Firing after the ticket was closed: reopen it (within the window) or open a new one. */
    afterClosed: z._default(z.enum(['new', 'reopen']), 'new'),
    /** With `afterClosed: reopen`: how long after closing a ticket is reopened. @default 1440 */
    reopenWithinMinutes: z._default(minutes, 1440),
    /** Name the previous ticket in a new ticket's details. @default true */
    linkPrevious: z._default(z.boolean(), true),
    /**
     * Re-check an open ticket in Halo (was it closed there?) when our knowledge of it is older
     * than this, before noting or closing it. 0 checks every time. @default 15
     */
    recheckAfterMinutes: z._default(minutes, 15),
    /**
     * A resolve closes the ticket only once this many minutes passed without a firing (a timer
     * closes it then); a firing in between cancels the close and counts as a repeat. Only with
     * `resolve: close`. @default off
     */
    resolveAfterQuietMinutes: z.optional(z.number().check(z.int(), z.positive())),
  })
  .check(
    z.refine(
      (policy) => policy.resolveAfterQuietMinutes === undefined || policy.resolve === 'close',
      {
        message: 'resolveAfterQuietMinutes delays a close: it needs resolve: close',
        path: ['resolveAfterQuietMinutes'],
      },
    ),
  )

const CLOCK = z.string().check(z.regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM (24 h)'))

/** An IANA time zone name, checked against the runtime's time zone data. */
const TimezoneSchema = z.string().check(
  z.refine((zone) => {
    try {
      new Intl.DateTimeFormat('en-GB', { timeZone: zone })
      return true
    } catch {
      return false
    }
  }, 'must be an IANA time zone such as Europe/London'),
)

/** Days of the week and a time span on each; `to` before `from` runs past midnight. */
const weeklyFields = {
  days: z._default(z.array(z.enum(DAYS)).check(z.minLength(1)), [...DAYS]),
  from: CLOCK,
  to: CLOCK,
}

export const MaintenanceWindowSchema = z
  .strictObject({
    /** During the window: drop the alert, or count it on the record without any Halo call. */
    action: z._default(z.enum(['drop', 'count']), 'count'),
    /** A one-off window. */
    start: z.optional(z.iso.datetime({ offset: true })),
    end: z.optional(z.iso.datetime({ offset: true })),
    /** A weekly window; `to` before `from` runs past midnight. */
    weekly: z.optional(
      z.strictObject({
        ...weeklyFields,
        /** IANA time zone of `from`/`to`. @default UTC */
        timezone: z._default(TimezoneSchema, 'UTC'),
      }),
    ),
  })
  .check(
    z.refine((window) => Boolean(window.weekly) !== Boolean(window.start || window.end), {
      message: 'a window has either start and end, or weekly',
    }),
  )
  .check(
    z.refine((window) => !window.start === !window.end, { message: 'start and end go together' }),
  )

export const FlappingPolicySchema = z.strictObject({
  /** Status changes that make a problem flapping. @default 4 */
  changes: z._default(z.number().check(z.int(), z.gte(2)), 4),
  /** The span they must fall in. @default 30 */
  withinMinutes: z._default(z.number().check(z.int(), z.positive()), 30),
  /** How long the status must hold before the flapping is over. @default 30 */
  quietMinutes: z._default(z.number().check(z.int(), z.positive()), 30),
})

export const NoisePolicySchema = z.strictObject({
  /** Open a ticket only once this many firing events arrived within `withinMinutes`. @default 1 */
  minOccurrences: z._default(z.number().check(z.int(), z.positive()), 1),
  withinMinutes: z._default(z.number().check(z.int(), z.positive()), 60),
  maintenance: z._default(z.array(MaintenanceWindowSchema), []),
  /**
   * A problem whose status changes (firing, resolved) `changes` times within `withinMinutes`
   * is flapping: one note says so and its ticket stays open, neither closed nor reopened, until
   * the status has held for `quietMinutes`; then it settles to its last status. @default off
   */
  flapping: z.optional(FlappingPolicySchema),
})

/** Severities below critical: what `outOfHours: defer` holds unless told otherwise. */
const NON_URGENT = SEVERITIES.filter((severity) => severity !== 'critical')

/**
 * A route's business hours: weekly spans in one time zone. Templates see whether an alert came
 * in them (`alert.inBusinessHours`); out of them, non-urgent alerts may wait for the next opening.
 */
export const BusinessHoursSchema = z.strictObject({
  /** IANA time zone of every span's `from`/`to`. @default UTC */
  timezone: z._default(TimezoneSchema, 'UTC'),
  /** The open spans, e.g. `{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '08:00', to: '18:00' }`. */
  weekly: z
    .array(
      z.strictObject(weeklyFields).check(
        z.refine((span) => span.from !== span.to, {
          message: 'from and to are the same: the span would be empty',
        }),
      ),
    )
    .check(z.minLength(1)),
  /**
   * Out of hours: create tickets as usual (`create`), or hold the creation of a ticket for a
   * severity in `deferSeverities` until hours begin (`defer`). @default create
   */
  outOfHours: z._default(z.enum(['create', 'defer']), 'create'),
  /** What `defer` holds; other severities always go through. @default all but critical */
  deferSeverities: z._default(z.array(z.enum(SEVERITIES)), [...NON_URGENT]),
})

export type LifecyclePolicy = z.infer<typeof LifecyclePolicySchema>
export type NoisePolicy = z.infer<typeof NoisePolicySchema>
export type MaintenanceWindow = z.infer<typeof MaintenanceWindowSchema>
export type FlappingPolicy = z.infer<typeof FlappingPolicySchema>
export type BusinessHours = z.infer<typeof BusinessHoursSchema>
export type WeeklySpan = BusinessHours['weekly'][number]

import * as z from 'zod'
import { SEVERITIES } from '../alert.js'

const minutes = z.number().int().nonnegative()

/** What a route does over an alert's life. Every field has the default a technician expects. */
export const LifecyclePolicySchema = z
  .object({
    /** A repeat while the ticket is open: add a private note, or only count it. @default note */
    repeat: z.enum(['note', 'count']).default('note'),
    /** At most one "recurred" note per this many minutes; repeats between are counted. @default 60 */
    noteEveryMinutes: minutes.default(60),
    /**
     * A resolve while the ticket is open: close it (with a note), note it only, ignore it, or
     * close it only while no technician has worked it (`close-if-untouched`: reads the ticket and
     * its actions first, and adds a note instead when someone acted on it or took it).
     * @default close
     */
    resolve: z.enum(['close', 'note', 'ignore', 'close-if-untouched']).default('close'),
    /** The status that closes a ticket. @default 9 (stock Halo's Closed) */
    closedStatusId: z.number().int().positive().default(9),
    /** The status a reopened ticket gets. @default 1 (New) */
    reopenStatusId: z.number().int().positive().default(1),
    /** Outcome (action type) of our notes, by name as Halo shows it. @default "Private Note" */
    outcome: z.string().min(1).default('Private Note'),
    /** Firing after the ticket was closed: reopen it (within the window) or open a new one. */
    afterClosed: z.enum(['new', 'reopen']).default('new'),
    /** With `afterClosed: reopen`: how long after closing a ticket is reopened. @default 1440 */
    reopenWithinMinutes: minutes.default(1440),
    /** Name the previous ticket in a new ticket's details. @default true */
    linkPrevious: z.boolean().default(true),
    /**
     * Re-check an open ticket in Halo (was it closed there?) when our knowledge of it is older
     * than this, before noting or closing it. 0 checks every time. @default 15
     */
    recheckAfterMinutes: minutes.default(15),
    /**
     * A resolve closes the ticket only once this many minutes passed without a firing (a timer
     * closes it then); a firing in between cancels the close and counts as a repeat. Only with
     * `resolve: close`. @default off
     */
    resolveAfterQuietMinutes: z.number().int().positive().optional(),
  })
  .strict()
  .refine((policy) => policy.resolveAfterQuietMinutes === undefined || policy.resolve === 'close', {
    message: 'resolveAfterQuietMinutes delays a close: it needs resolve: close',
    path: ['resolveAfterQuietMinutes'],
  })

const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const
const CLOCK = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM (24 h)')

/** An IANA time zone name, checked against the runtime's time zone data. */
const TimezoneSchema = z.string().refine((zone) => {
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: zone })
    return true
  } catch {
    return false
  }
}, 'must be an IANA time zone such as Europe/London')

/** Days of the week and a time span on each; `to` before `from` runs past midnight. */
const weeklyFields = {
  days: z
    .array(z.enum(DAYS))
    .min(1)
    .default([...DAYS]),
  from: CLOCK,
  to: CLOCK,
}

export const MaintenanceWindowSchema = z
  .object({
    /** During the window: drop the alert, or count it on the record without any Halo call. */
    action: z.enum(['drop', 'count']).default('count'),
    /** A one-off window. */
    start: z.iso.datetime({ offset: true }).optional(),
    end: z.iso.datetime({ offset: true }).optional(),
    /** A weekly window; `to` before `from` runs past midnight. */
    weekly: z
      .object({
        ...weeklyFields,
        /** IANA time zone of `from`/`to`. @default UTC */
        timezone: TimezoneSchema.default('UTC'),
      })
      .strict()
      .optional(),
  })
  .strict()
  .refine((window) => Boolean(window.weekly) !== Boolean(window.start || window.end), {
    message: 'a window has either start and end, or weekly',
  })
  .refine((window) => !window.start === !window.end, { message: 'start and end go together' })

export const FlappingPolicySchema = z
  .object({
    /** Status changes that make a problem flapping. @default 4 */
    changes: z.number().int().min(2).default(4),
    /** The span they must fall in. @default 30 */
    withinMinutes: z.number().int().positive().default(30),
    /** How long the status must hold before the flapping is over. @default 30 */
    quietMinutes: z.number().int().positive().default(30),
  })
  .strict()

export const NoisePolicySchema = z
  .object({
    /** Open a ticket only once this many firing events arrived within `withinMinutes`. @default 1 */
    minOccurrences: z.number().int().positive().default(1),
    withinMinutes: z.number().int().positive().default(60),
    maintenance: z.array(MaintenanceWindowSchema).default([]),
    /**
     * A problem whose status changes (firing, resolved) `changes` times within `withinMinutes`
     * is flapping: one note says so and its ticket stays open, neither closed nor reopened, until
     * the status has held for `quietMinutes`; then it settles to its last status. @default off
     */
    flapping: FlappingPolicySchema.optional(),
  })
  .strict()

/** Severities below critical: what `outOfHours: defer` holds unless told otherwise. */
const NON_URGENT = SEVERITIES.filter((severity) => severity !== 'critical')

/**
 * A route's business hours: weekly spans in one time zone. Templates see whether an alert came
 * in them (`alert.inBusinessHours`); out of them, non-urgent alerts may wait for the next opening.
 */
export const BusinessHoursSchema = z
  .object({
    /** IANA time zone of every span's `from`/`to`. @default UTC */
    timezone: TimezoneSchema.default('UTC'),
    /** The open spans, e.g. `{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '08:00', to: '18:00' }`. */
    weekly: z
      .array(
        z
          .object(weeklyFields)
          .strict()
          .refine((span) => span.from !== span.to, {
            message: 'from and to are the same: the span would be empty',
          }),
      )
      .min(1),
    /**
     * Out of hours: create tickets as usual (`create`), or hold the creation of a ticket for a
     * severity in `deferSeverities` until hours begin (`defer`). @default create
     */
    outOfHours: z.enum(['create', 'defer']).default('create'),
    /** What `defer` holds; other severities always go through. @default all but critical */
    deferSeverities: z.array(z.enum(SEVERITIES)).default([...NON_URGENT]),
  })
  .strict()

export type LifecyclePolicy = z.infer<typeof LifecyclePolicySchema>
export type NoisePolicy = z.infer<typeof NoisePolicySchema>
export type MaintenanceWindow = z.infer<typeof MaintenanceWindowSchema>
export type FlappingPolicy = z.infer<typeof FlappingPolicySchema>
export type BusinessHours = z.infer<typeof BusinessHoursSchema>
export type WeeklySpan = BusinessHours['weekly'][number]
export { DAYS }

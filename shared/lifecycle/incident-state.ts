import * as z from '../zod-mini.js'

/** One member alert of an incident: firing or resolved, since when. */
export const IncidentMemberSchema = z.lazy(() =>
  z.object({
    status: z.enum(['firing', 'resolved']),
    since: z.iso.datetime(),
  }),
)

/** A member as a merged note lists it. */
export const JoinedMemberSchema = z.lazy(() => z.object({ key: z.string(), title: z.string() }))

/**
 * What an incident's record keeps of its members (a `group` policy). Bounded, so one record stays
 * a small store item in a storm: at most `MAX_TRACKED_MEMBERS` members are tracked one by one and
 * at most `MAX_LISTED_MEMBERS` are listed in the next note; beyond those they are counted.
 */
export const IncidentSchema = z.lazy(() =>
  z.object({
    /** The group key the members share. */
    group: z.string(),
    /** Members by alert key. The incident closes when none of them is firing. */
    members: z._default(z.record(z.string(), IncidentMemberSchema), {}),
    /** Members beyond the tracked ones: counted only, so they cannot hold the incident open. */
    untracked: z.optional(z.number().check(z.int(), z.nonnegative())),
    /**
     * Members that joined (or fired again) since the ticket last listed its members: at its opening
     * or in the last merged note. Before the ticket opens (`minAlerts`), every member so far.
     */
    joined: z._default(z.array(JoinedMemberSchema), []),
    /** How many more joined than `joined` lists. */
    joinedMore: z.optional(z.number().check(z.int(), z.nonnegative())),
    /** When the ticket last listed its members (opened, or a merged note). */
    notedAt: z.optional(z.iso.datetime()),
    /** When the members in `joined` are due in a merged note, whether or not another alert comes. */
    noteDueAt: z.optional(z.iso.datetime()),
  }),
)

export type Incident = z.infer<typeof IncidentSchema>
export type IncidentMember = z.infer<typeof IncidentMemberSchema>
export type JoinedMember = z.infer<typeof JoinedMemberSchema>

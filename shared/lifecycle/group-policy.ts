import * as z from 'zod'

/**
 * Incident grouping: alerts of one group (a site, a client) become one incident ticket instead of
 * one ticket each. The group key is rendered when the alert is received, so every member of an
 * incident shares one queue message group and one stored record.
 */
export const GroupPolicySchema = z
  .object({
    /**
     * The group key, a template over `{ alert, payload, route }` rendered at ingest, e.g.
     * `{% alert.labels.site %}`. An alert for which it yields nothing (empty or absent) is not
     * grouped: it gets its own ticket as without this policy. @default the alert's tenant (id, else
     * name); an alert that names none is not grouped (for a route of one client, `{% route %}`)
     */
    key: z.json().optional(),
    /** The incident opens once this many members fire within `windowMinutes`. @default 1 */
    minAlerts: z.number().int().positive().default(1),
    /** How close together `minAlerts` members must fire. @default 15 */
    windowMinutes: z.number().int().positive().default(15),
    /**
     * Members that join an open incident are listed in one merged note per this many minutes
     * (from the opening or the last merged note), never one note each. @default 5
     */
    noteEveryMinutes: z.number().int().positive().default(5),
  })
  .strict()

export type GroupPolicy = z.infer<typeof GroupPolicySchema>

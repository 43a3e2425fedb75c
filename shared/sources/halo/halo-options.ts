import * as z from '../../zod-mini.js'

export const HaloSourceOptionsSchema = z.lazy(() =>
  z.strictObject({
    /**
     * The Halo agent id halo-hooks' API application acts as (`GET /api/Agent/me`): a closure or
     * action by it is our own write coming back, and changes nothing.
     */
    agentId: z.optional(z.number().check(z.int(), z.positive())),
  }),
)

export type HaloSourceOptions = z.infer<typeof HaloSourceOptionsSchema>

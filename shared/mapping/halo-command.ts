import { HaloActionInputSchema, HaloTicketInputSchema } from '../halo/schemas.js'
import * as z from '../zod-mini.js'

/**
 * What planning asks the executor to do in Halo. Planning is pure; executing a command is the only
 * I/O, so a plan can be shown (dry run), tested, and audited as data.
 */
export const HaloCommandSchema = z.lazy(() =>
  z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('createTicket'), ticket: HaloTicketInputSchema }),
    z.object({ kind: z.literal('addAction'), action: HaloActionInputSchema }),
  ]),
)

export type HaloCommand = z.infer<typeof HaloCommandSchema>
export type HaloCommandKind = HaloCommand['kind']

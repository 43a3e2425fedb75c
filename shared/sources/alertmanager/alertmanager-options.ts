import * as z from '../../zod-mini.js'

export const AlertmanagerOptionsSchema = z.lazy(() => z.strictObject({}))
export type AlertmanagerOptions = z.infer<typeof AlertmanagerOptionsSchema>

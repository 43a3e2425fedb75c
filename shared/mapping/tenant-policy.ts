import * as z from 'zod'

/**
 * How a route finds the Halo client (and site and asset) of an alert when its ticket templates
 * do not name one. An alert that none of these routes is parked as `unroutable`, never sent to
 * a default client, unless `fallbackClientId` says so explicitly.
 */
export const TenantPolicySchema = z
  .object({
    /** The sender's customer id or name (the alert's tenant hints) → Halo client id. */
    clients: z.record(z.string(), z.number().int().positive()).default({}),
    /** Look the client up in Halo by the alert's tenant name (exact, case-insensitive). */
    lookupClientByName: z.boolean().default(false),
    /**
     * Link the asset whose host name equals the alert's resource (without a port, ignoring
     * case: see `assetHostname`), or whose asset tag does.
     */
    asset: z.enum(['none', 'hostname', 'inventory-number']).default('none'),
    /** With `asset`: take the client and site from the asset when nothing else routed it. */
    clientFromAsset: z.boolean().default(true),
    /** The client for alerts nothing else routes. Without it they are parked as unroutable. */
    fallbackClientId: z.number().int().positive().optional(),
  })
  .strict()

export type TenantPolicy = z.infer<typeof TenantPolicySchema>

import * as z from 'zod'
import { TemplateValueSchema } from './template-value.js'

/**
 * The end user a ticket is raised for (Halo's `user_id`), found among the routed client's users.
 * Each field is a template over `{ alert, payload, route, envelope }` like the ticket's; the
 * e-mail address is tried first, then the name when the address found nobody.
 */
export const ContactPolicySchema = z
  .object({
    /** The contact's e-mail address, matched exactly, ignoring case. */
    email: TemplateValueSchema.optional(),
    /** The contact's full name as Halo shows it, matched exactly, ignoring case and extra spaces. */
    name: TemplateValueSchema.optional(),
  })
  .strict()
  .refine((contact) => contact.email !== undefined || contact.name !== undefined, {
    error: 'give email, name or both',
  })
  // The refinement's JSON Schema form, so that editors ask for one of the two as well.
  .meta({ minProperties: 1 })

export type ContactPolicy = z.infer<typeof ContactPolicySchema>

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
    /**
     * Look the ticket's end user up in Halo within the routed client, by e-mail or name. Exactly
     * one match sets `user_id`; none, several or one of another client leave it unset, with the
     * reason in the routing. @default no contact
     */
    contact: ContactPolicySchema.optional(),
  })
  .strict()

export type TenantPolicy = z.infer<typeof TenantPolicySchema>

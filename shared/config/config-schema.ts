import * as z from 'zod'
import { RouteAuthSchema } from '../auth/route-auth-schema.js'
import { GroupPolicySchema } from '../lifecycle/group-policy.js'
import { HeartbeatPolicySchema } from '../lifecycle/heartbeat-policy.js'
import {
  BusinessHoursSchema,
  LifecyclePolicySchema,
  NoisePolicySchema,
} from '../lifecycle/lifecycle-policy.js'
import { TemplateValueSchema } from '../mapping/template-value.js'
import { TenantPolicySchema } from '../mapping/tenant-policy.js'
import { ResolveAtSourceSchema } from '../outbound/resolve-at-source-config.js'
import { MAX_BODY_BYTES } from '../payload-limits.js'
import { DeploySchema } from './deploy-schema.js'
import { DEFAULT_HALO_BUDGET, HaloBudgetSchema } from './halo-budget.js'
import { DEFAULT_RECONCILE, ReconcileSchema } from './reconcile-config.js'

export { TemplateValueSchema }

const template = TemplateValueSchema.optional()

/** A body size cap: at least 1 KiB, and no more than a body and its envelope can carry in AWS. */
const BodyBytesSchema = z
  .number()
  .int()
  .min(1024)
  .max(MAX_BODY_BYTES, {
    error: `at most ${MAX_BODY_BYTES} bytes: the body and its envelope must fit one SQS message (1 MiB), and the body one Lambda invoke as API Gateway sends it (base64 and headers within 6 MB)`,
  })

/** Alert fields a route may derive (or override) with templates over the sender's payload. */
export const AlertTemplatesSchema = z
  .object({
    key: template,
    status: template,
    severity: template,
    title: template,
    description: template,
    occurredAt: template,
    url: template,
    resource: template,
    tenantId: template,
    tenantName: template,
    labels: template,
  })
  .strict()

/**
 * Halo ticket fields, each a template rendered against `{ alert, payload, route, envelope }`.
 * Any Halo ticket field may be named; `summary` and `details` default to the alert's title and
 * description.
 */
export const TicketTemplatesSchema = z
  .object({
    summary: TemplateValueSchema.default('{% alert.title %}'),
    details: TemplateValueSchema.default('{% alert.description %}'),
  })
  .catchall(TemplateValueSchema)

export const ROUTE_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/

export const RouteSchema = z
  .object({
    /** What this route is for, shown by `npm start` and `npm run validate`. */
    description: z.string().optional(),
    /** The sender, by id (`generic`, ...): how requests are verified and read. */
    source: z.string().min(1),
    /** Options of the source (see its docs). */
    options: z.unknown().optional(),
    /** How requests are authenticated when the sender has no signature scheme of its own. */
    auth: RouteAuthSchema.optional(),
    /** Largest body accepted, in bytes. @default the top-level `maxBodyBytes` */
    maxBodyBytes: BodyBytesSchema.optional(),
    alert: AlertTemplatesSchema.optional(),
    ticket: TicketTemplatesSchema.default({
      summary: '{% alert.title %}',
      details: '{% alert.description %}',
    }),
    /** Value tables for templates, e.g. `{% $lookup(maps.priority, alert.severity) %}`. */
    maps: z.record(z.string(), z.record(z.string(), TemplateValueSchema)).default({}),
    /** Create, note, close and reopen rules. */
    lifecycle: z._default(LifecyclePolicySchema, LifecyclePolicySchema.parse({})),
    /** Occurrence thresholds, maintenance windows and flapping. */
    noise: z._default(NoisePolicySchema, NoisePolicySchema.parse({})),
    /**
     * Incident grouping: alerts of one group become one incident ticket, their later members
     * listed in merged notes, closed when every member has resolved. @default off
     */
    group: GroupPolicySchema.optional(),
    /**
     * A dead-man's switch: every alert is a ping for its key, and a key silent for longer than
     * expected opens a ticket that its next ping closes. Required by the `heartbeat` source.
     * @default off
     */
    heartbeat: z.optional(HeartbeatPolicySchema),
    /**
     * Weekly business hours in a time zone: templates see `alert.inBusinessHours`, and
     * `outOfHours: defer` holds non-urgent tickets until they begin. @default none
     */
    businessHours: z.optional(BusinessHoursSchema),
    /** How alerts find their Halo client, site and asset. */
    tenant: TenantPolicySchema.default(TenantPolicySchema.parse({})),
    /**
     * Close the loop: when the ticket is closed in Halo, resolve the alert where it came from
     * (PagerDuty, Datto RMM, an Alertmanager silence, or a signed webhook). @default off
     */
    resolveAtSource: z.optional(ResolveAtSourceSchema),
  })
  .strict()

export const ConfigSchema = z
  .object({
    $schema: z.string().optional(),
    /** Largest body accepted by any route unless it sets its own, in bytes. @default 262144 */
    maxBodyBytes: BodyBytesSchema.default(262_144),
    routes: z
      .record(
        z.string().regex(ROUTE_NAME, 'route names are lower-case letters, digits and dashes'),
        RouteSchema,
      )
      .refine((routes) => Object.keys(routes).length > 0, 'at least one route is required'),
    /**
     * Halo requests all workers may make together per window, locally and in AWS: a ceiling the
     * budget learns down from when Halo answers 429. @default 250 per 300 s
     */
    budget: HaloBudgetSchema.default(DEFAULT_HALO_BUDGET),
    /**
     * The reconcile sweep: open tickets re-read from Halo on a schedule, so a closure whose Halo
     * webhook was lost (or never configured) is still learned. @default every 10 minutes, at most
     * 50 tickets and 20 % of the budget
     */
    reconcile: z._default(ReconcileSchema, DEFAULT_RECONCILE),
    /** Settings of the AWS deployment (`npx cdk deploy`); see docs/deploy.md. */
    deploy: DeploySchema.optional(),
  })
  .strict()

export type Route = z.infer<typeof RouteSchema>
export type RouteInput = z.input<typeof RouteSchema>
export type Config = z.infer<typeof ConfigSchema>
export type ConfigInput = z.input<typeof ConfigSchema>

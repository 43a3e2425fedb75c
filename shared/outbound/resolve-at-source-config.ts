import { describeIssues } from '../describe-issues.js'
import { ConfigError } from '../errors.js'
import * as z from '../zod-mini.js'

/** Datto RMM's platforms; the API of each is at `https://<platform>-api.centrastage.net`. */
export const DATTO_PLATFORMS = [
  'pinotage',
  'merlot',
  'concord',
  'vidal',
  'zinfandel',
  'syrah',
] as const

const httpUrl = z.url({ protocol: /^https?$/ })

const PagerDutyTargetSchema = z.strictObject({
  kind: z.literal('pagerduty'),
  /** Email of a user on the PagerDuty account: PagerDuty requires it as `From` on a resolve. */
  from: z.email(),
  /** @default https://api.pagerduty.com */
  baseUrl: z._default(httpUrl, 'https://api.pagerduty.com'),
})

const DattoRmmTargetSchema = z
  .strictObject({
    kind: z.literal('datto-rmm'),
    /** The account's platform, as in its API URL (Setup › Users › API). */
    platform: z.optional(z.enum(DATTO_PLATFORMS)),
    /** The API URL itself instead of `platform` (without `/api`). */
    apiUrl: z.optional(httpUrl),
  })
  .check(
    z.refine((target) => Boolean(target.platform) !== Boolean(target.apiUrl), {
      message: 'name either platform or apiUrl',
    }),
  )

const AlertmanagerTargetSchema = z.strictObject({
  kind: z.literal('alertmanager'),
  /** Alertmanager's root URL, with its route prefix if it has one (`http://am:9093`). */
  url: httpUrl,
  /** How long the silence lasts from the moment the ticket closed. @default 1440 (a day) */
  silenceMinutes: z._default(z.number().check(z.int(), z.positive(), z.lte(366 * 1440)), 1440),
  /** `createdBy` of the silence. @default halo-hooks */
  createdBy: z._default(z.string().check(z.minLength(1)), 'halo-hooks'),
})

const WebhookTargetSchema = z.strictObject({
  kind: z.literal('webhook'),
  /** Where the signed notification is posted. */
  url: httpUrl,
})

/**
 * Where a route closes the loop when its ticket is closed in Halo: resolve the PagerDuty incident,
 * resolve the Datto RMM alert, silence the Alertmanager alert, or post a signed webhook. Off when
 * absent. Credentials are in the secret (`resolveAtSource.<route>`), never in the config.
 */
export const ResolveAtSourceSchema = z.discriminatedUnion('kind', [
  PagerDutyTargetSchema,
  DattoRmmTargetSchema,
  AlertmanagerTargetSchema,
  WebhookTargetSchema,
])

export type ResolveAtSource = z.infer<typeof ResolveAtSourceSchema>
export type ResolveAtSourceKind = ResolveAtSource['kind']

/**
 * The credentials each kind reads from the secret, `resolveAtSource.<route>`.
 * Alertmanager has no authentication of its own; `username`/`password` are for one behind
 * `basic_auth_users` or a proxy.
 */
export const OUTBOUND_CREDENTIALS = {
  pagerduty: z.strictObject({ apiToken: z.string().check(z.minLength(1)) }),
  'datto-rmm': z.strictObject({
    apiKey: z.string().check(z.minLength(1)),
    apiSecret: z.string().check(z.minLength(1)),
  }),
  alertmanager: z.optional(
    z.strictObject({
      username: z.string().check(z.minLength(1)),
      password: z.string().check(z.minLength(1)),
    }),
  ),
  webhook: z.strictObject({
    /** Standard Webhooks secret: `whsec_` and 24 to 64 random bytes in base64. */
    signingSecret: z
      .string()
      .check(z.regex(/^whsec_[A-Za-z0-9+/]{32,}={0,2}$/, 'must be whsec_ followed by base64')),
  }),
} satisfies Record<ResolveAtSourceKind, z.ZodMiniType>

/** What `npm run secrets` shows for each kind's credentials; Alertmanager needs none. */
export const CREDENTIAL_PLACEHOLDERS: Record<
  ResolveAtSourceKind,
  Record<string, string> | undefined
> = {
  pagerduty: { apiToken: '<PagerDuty REST API key>' },
  'datto-rmm': { apiKey: '<Datto RMM API key>', apiSecret: '<Datto RMM API secret key>' },
  alertmanager: undefined,
  webhook: { signingSecret: '<whsec_… shared with the receiver>' },
}

export type OutboundCredentials = {
  [Kind in ResolveAtSourceKind]: z.infer<(typeof OUTBOUND_CREDENTIALS)[Kind]>
}

/**
 * The credentials `kind` needs, from the route's secret entry. A missing or malformed one is a
 * `ConfigError` naming the secret's keys (never values), so the delivery is parked with a reason.
 */
export const credentialsFor = <Kind extends ResolveAtSourceKind>(
  kind: Kind,
  route: string,
  stored: unknown,
): OutboundCredentials[Kind] => {
  const schema = OUTBOUND_CREDENTIALS[kind]
  const parsed = schema.safeParse(stored)
  if (parsed.success) return parsed.data as OutboundCredentials[Kind]
  throw new ConfigError(
    `the secret has no usable ${kind} credentials for route ${route}`,
    describeIssues(parsed.error, {
      prefix: ['resolveAtSource', route],
      schema,
      root: `resolveAtSource.${route}`,
    }),
  )
}

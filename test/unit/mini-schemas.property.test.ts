import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import * as z from 'zod'
import { HaloTicketSchema, HaloTokenResponseSchema } from '../../shared/halo/schemas.js'
import { HeartbeatPolicySchema } from '../../shared/lifecycle/heartbeat-policy.js'
import {
  BusinessHoursSchema,
  LifecyclePolicySchema,
  MaintenanceWindowSchema,
} from '../../shared/lifecycle/lifecycle-policy.js'
import { SecretsSchema } from '../../shared/secrets/secrets-schema.js'
import { GenericOptionsSchema } from '../../shared/sources/generic/generic-options.js'

// Issue 15 moved the functions' schemas from classic zod to zod/mini. These are the subtle ones
// (transforms, catch, coerce, defaults, strict objects, refinements) as they were written in
// classic zod; the mini ones must accept and refuse exactly what these did, with the same issues.

const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const
const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const
const minutes = z.number().int().nonnegative()
const CLOCK = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM (24 h)')
const Timezone = z.string().refine((zone) => {
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: zone })
    return true
  } catch {
    return false
  }
}, 'must be an IANA time zone such as Europe/London')
const weeklyFields = {
  days: z
    .array(z.enum(DAYS))
    .min(1)
    .default([...DAYS]),
  from: CLOCK,
  to: CLOCK,
}
const readInt = z.preprocess(
  (value) => (typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value),
  z.int(),
)

const classic = {
  heartbeat: z
    .object({
      expectEveryMinutes: z.number().int().positive().max(527_040),
      graceMinutes: z.number().int().nonnegative().max(527_040).optional(),
      severity: z.enum(SEVERITIES).default('high'),
    })
    .strict()
    .transform(({ expectEveryMinutes, graceMinutes, severity }) => ({
      expectEveryMinutes,
      graceMinutes: graceMinutes ?? Math.max(5, Math.round(expectEveryMinutes / 10)),
      severity,
    })),
  lifecycle: z
    .object({
      repeat: z.enum(['note', 'count']).default('note'),
      noteEveryMinutes: minutes.default(60),
      resolve: z.enum(['close', 'note', 'ignore', 'close-if-untouched']).default('close'),
      closedStatusId: z.number().int().positive().default(9),
      reopenStatusId: z.number().int().positive().default(1),
      outcome: z.string().min(1).default('Private Note'),
      afterClosed: z.enum(['new', 'reopen']).default('new'),
      reopenWithinMinutes: minutes.default(1440),
      linkPrevious: z.boolean().default(true),
      recheckAfterMinutes: minutes.default(15),
      resolveAfterQuietMinutes: z.number().int().positive().optional(),
    })
    .strict()
    .refine(
      (policy) => policy.resolveAfterQuietMinutes === undefined || policy.resolve === 'close',
      {
        message: 'resolveAfterQuietMinutes delays a close: it needs resolve: close',
        path: ['resolveAfterQuietMinutes'],
      },
    ),
  maintenance: z
    .object({
      action: z.enum(['drop', 'count']).default('count'),
      start: z.iso.datetime({ offset: true }).optional(),
      end: z.iso.datetime({ offset: true }).optional(),
      weekly: z
        .object({ ...weeklyFields, timezone: Timezone.default('UTC') })
        .strict()
        .optional(),
    })
    .strict()
    .refine((window) => Boolean(window.weekly) !== Boolean(window.start || window.end), {
      message: 'a window has either start and end, or weekly',
    })
    .refine((window) => !window.start === !window.end, { message: 'start and end go together' }),
  businessHours: z
    .object({
      timezone: Timezone.default('UTC'),
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
      outOfHours: z.enum(['create', 'defer']).default('create'),
      deferSeverities: z
        .array(z.enum(SEVERITIES))
        .default(SEVERITIES.filter((severity) => severity !== 'critical')),
    })
    .strict(),
  tokenResponse: z.looseObject({
    access_token: z.string().min(1),
    token_type: z.string().optional(),
    expires_in: z.coerce.number().positive().optional().catch(undefined),
    scope: z.string().optional().catch(undefined),
  }),
  ticket: z.looseObject({
    id: readInt,
    summary: z.string().nullish(),
    details: z.string().nullish(),
    details_html: z.string().nullish(),
    tickettype_id: readInt.nullish(),
    client_id: readInt.nullish(),
    client_name: z.string().nullish(),
    site_id: readInt.nullish(),
    site_name: z.string().nullish(),
    user_id: readInt.nullish(),
    user_name: z.string().nullish(),
    status_id: readInt.nullish(),
    priority_id: readInt.nullish(),
    team: z.string().nullish(),
    agent_id: readInt.nullish(),
    agent_name: z.string().nullish(),
    category_1: z.string().nullish(),
    third_party_id_string: z.string().nullish(),
    dateoccurred: z.string().nullish(),
    hasbeenclosed: z.boolean().nullish(),
    dateclosed: z.string().nullish(),
  }),
  genericOptions: z
    .object({
      deliveryIdHeader: z
        .string()
        .regex(/^[A-Za-z0-9-]+$/)
        .transform((name) => name.toLowerCase())
        .optional(),
      eventType: z
        .string()
        .regex(/^[a-z0-9_]+(\.[a-z0-9_]+)*$/, 'must be lower-case and dotted, e.g. "acme.alert"')
        .default('generic.alert'),
    })
    .strict(),
  secrets: z
    .object({
      halo: z
        .object({ clientId: z.string().min(1), clientSecret: z.string().min(1) })
        .strict()
        .optional(),
      resolveAtSource: z.record(z.string(), z.record(z.string(), z.string())).optional(),
      routes: z
        .record(
          z.string(),
          z.object({ current: z.string().min(1), previous: z.string().min(1).optional() }).strict(),
        )
        .default({}),
    })
    .strict(),
}

/** Values chosen to fall on both sides of every rule above, by kind, and anything else. */
const value: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(0, -1, 1, 1.5, 9, 60, 527_041),
  fc.constantFrom('', ' 42 ', '-7', '3.5', '12'),
  fc.constantFrom('x', 'token', 'Bearer', 'X-Delivery', 'bad header', 'acme.alert', 'Acme'),
  fc.constantFrom('UTC', 'Europe/London', 'Mars/Base', '08:00', '18:00', '24:00'),
  fc.constantFrom('2026-11-30T12:00:00Z', '2026-11-30T12:00:00+01:00', '2026-11-30'),
  fc.constantFrom('close', 'note', 'count', 'drop', 'reopen', 'defer', 'critical', 'low', 'mon'),
  fc.constantFrom(['mon', 'fri'], ['xyz'], [], ['critical', 'info']),
  fc.constantFrom(
    { current: 's' },
    { current: '' },
    { current: 's', previous: 'p', extra: 1 },
    { from: '08:00', to: '18:00' },
    { days: ['sat'], from: '22:00', to: '06:00', timezone: 'Europe/London' },
    { from: '08:00', to: '08:00' },
    { clientId: 'id', clientSecret: 'secret' },
  ),
  fc.constantFrom(true, false, null),
  fc.jsonValue({ maxDepth: 2 }),
)

/** The keys an object schema reads, looked through its wrappers (default, pipe, refine). */
const keysOf = (schema: z.core.$ZodType): string[] => {
  const def = schema._zod.def as {
    shape?: object
    in?: z.core.$ZodType
    innerType?: z.core.$ZodType
  }
  if (def.shape) return Object.keys(def.shape)
  const inner = def.in ?? def.innerType
  return inner ? keysOf(inner) : []
}

/** Mostly objects with some of the schema's own keys (required ones often set), else anything. */
const inputFor = (schema: z.core.$ZodType) => {
  const keys = [...keysOf(schema), 'unknownKey']
  return fc.oneof(
    {
      weight: 4,
      arbitrary: fc.dictionary(fc.constantFrom(...keys), value, { maxKeys: keys.length }),
    },
    { weight: 1, arbitrary: value },
  )
}

/** What a parse answers, in the terms a user sees: the value, or each issue's path and message. */
const answer = (result: { success: boolean; data?: unknown; error?: z.core.$ZodError }) =>
  result.success
    ? { data: result.data, keys: JSON.stringify(result.data) }
    : {
        issues: result.error?.issues.map(({ code, path, message }) => ({ code, path, message })),
      }

const PAIRS: [string, z.core.$ZodType, z.core.$ZodType][] = [
  ['HeartbeatPolicySchema', HeartbeatPolicySchema, classic.heartbeat],
  ['LifecyclePolicySchema', LifecyclePolicySchema, classic.lifecycle],
  ['MaintenanceWindowSchema', MaintenanceWindowSchema, classic.maintenance],
  ['BusinessHoursSchema', BusinessHoursSchema, classic.businessHours],
  ['HaloTokenResponseSchema', HaloTokenResponseSchema, classic.tokenResponse],
  ['HaloTicketSchema', HaloTicketSchema, classic.ticket],
  ['GenericOptionsSchema', GenericOptionsSchema, classic.genericOptions],
  ['SecretsSchema', SecretsSchema, classic.secrets],
]

describe('the functions’ zod/mini schemas', () => {
  it.each(PAIRS)('%s answers every input as its classic zod version did', (_, mini, asClassic) => {
    fc.assert(
      fc.property(inputFor(asClassic), (candidate) => {
        expect(answer(z.safeParse(mini, candidate))).toStrictEqual(
          answer(z.safeParse(asClassic, candidate)),
        )
      }),
      { numRuns: 3000 },
    )
  })
})

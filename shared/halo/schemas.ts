import { selfContained } from '../self-contained.js'
import * as z from '../zod-mini.js'

// Each schema is built the first time it parses (`z.lazy` builds its inner schema once and keeps
// it): deliver holds every one of them, and an invocation uses only the look-ups it makes (issue 15).

// Field names and types follow Halo's OpenAPI schemas (`Faults`, `Actions`, `Area`, ...); the
// contract test in test/unit/halo checks every field we can send against them. Every
// object schema is loose: Halo returns hundreds of fields and adds more each release, and a field
// we do not model must pass through untouched instead of failing a delivery.

/** Halo reads may send `null` for any field it has no value for. */
const maybe = <T extends z.ZodMiniType>(schema: T) => z.nullish(schema)

/**
 * An integer on the read side. Halo accepts ids as strings as well as numbers on write, so we
 * also read a numeric string as a number rather than fail a delivery over its representation.
 * Writes stay strict: we always send JSON integers.
 */
const readInt = z.lazy(() =>
  z.pipe(
    z.transform(
      selfContained((value: unknown) =>
        typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value,
      ),
    ),
    z.int(),
  ),
)

/** A custom field value on write: Halo keys custom fields by numeric field id. */
const HaloCustomFieldInputSchema = z.lazy(() =>
  z.looseObject({
    id: z.int(),
    value: z.unknown(),
  }),
)

/** A linked asset on a ticket write. */
const HaloAssetRefSchema = z.lazy(() => z.looseObject({ id: z.int() }))

/** The ticket fields we write. `summary` is the only field Halo always needs. */
const ticketWriteFields = () => ({
  summary: z.string(),
  details: z.optional(z.string()),
  details_html: z.optional(z.string()),
  tickettype_id: z.optional(z.int()),
  client_id: z.optional(z.int()),
  site_id: z.optional(z.int()),
  user_id: z.optional(z.int()),
  user_name: z.optional(z.string()),
  user_email: z.optional(z.string()),
  reportedby: z.optional(z.string()),
  priority_id: z.optional(z.int()),
  status_id: z.optional(z.int()),
  sla_id: z.optional(z.int()),
  impact: z.optional(z.int()),
  urgency: z.optional(z.int()),
  /** Team *name*, as Halo expects on tickets. */
  team: z.optional(z.string()),
  agent_id: z.optional(z.int()),
  category_1: z.optional(z.string()),
  category_2: z.optional(z.string()),
  category_3: z.optional(z.string()),
  category_4: z.optional(z.string()),
  source: z.optional(z.int()),
  third_party_id: z.optional(z.int()),
  third_party_id_string: z.optional(z.string()),
  inventory_number: z.optional(z.string()),
  targetdate: z.optional(z.string()),
  startdate: z.optional(z.string()),
  deadlinedate: z.optional(z.string()),
  dont_do_rules: z.optional(z.boolean()),
  customfields: z.optional(z.array(HaloCustomFieldInputSchema)),
  assets: z.optional(z.array(HaloAssetRefSchema)),
})

/** A ticket to create (`POST /api/Tickets` with `[ticket]`). Unknown fields pass through. */
export const HaloTicketInputSchema = z.lazy(() => z.looseObject(ticketWriteFields()))
export type HaloTicketInput = z.infer<typeof HaloTicketInputSchema>

/** A ticket as Halo returns it (list item, detail, or the reply to a POST). */
export const HaloTicketSchema = z.lazy(() =>
  z.looseObject({
    id: readInt,
    summary: maybe(z.string()),
    details: maybe(z.string()),
    details_html: maybe(z.string()),
    tickettype_id: maybe(readInt),
    client_id: maybe(readInt),
    client_name: maybe(z.string()),
    site_id: maybe(readInt),
    site_name: maybe(z.string()),
    user_id: maybe(readInt),
    user_name: maybe(z.string()),
    status_id: maybe(readInt),
    priority_id: maybe(readInt),
    team: maybe(z.string()),
    agent_id: maybe(readInt),
    agent_name: maybe(z.string()),
    category_1: maybe(z.string()),
    third_party_id_string: maybe(z.string()),
    dateoccurred: maybe(z.string()),
    hasbeenclosed: maybe(z.boolean()),
    dateclosed: maybe(z.string()),
  }),
)
export type HaloTicket = z.infer<typeof HaloTicketSchema>

/**
 * A note or status change on a ticket (`POST /api/Actions`). Halo rejects an action without an
 * outcome (`outcome` by name or `outcome_id`); we let Halo say so rather than guess its rules.
 */
export const HaloActionInputSchema = z.lazy(() =>
  z.looseObject({
    ticket_id: z.int().check(z.positive()),
    /** Set only to update an existing action; ids are numbered per ticket. */
    id: z.optional(z.int()),
    outcome: z.optional(z.string()),
    outcome_id: z.optional(z.int()),
    note: z.optional(z.string()),
    note_html: z.optional(z.string()),
    hiddenfromuser: z.optional(z.boolean()),
    important: z.optional(z.boolean()),
    /** Moves the ticket to this status (9 = stock Closed) in the same request. */
    new_status: z.optional(z.int()),
    sendemail: z.optional(z.boolean()),
    timetaken: z.optional(z.number()),
    dont_do_rules: z.optional(z.boolean()),
  }),
)
export type HaloActionInput = z.infer<typeof HaloActionInputSchema>

/** An action as Halo returns it. */
export const HaloActionSchema = z.lazy(() =>
  z.looseObject({
    id: readInt,
    ticket_id: maybe(readInt),
    outcome: maybe(z.string()),
    outcome_id: maybe(readInt),
    note: maybe(z.string()),
    note_html: maybe(z.string()),
    hiddenfromuser: maybe(z.boolean()),
    new_status: maybe(readInt),
    datetime: maybe(z.string()),
    /** The agent or API application that made it. */
    who_agentid: maybe(readInt),
    actionby_agent_id: maybe(readInt),
    /** The API application's name on every action an application added. */
    actionby_application_id: maybe(z.string()),
  }),
)
export type HaloAction = z.infer<typeof HaloActionSchema>

/** A Halo client (customer), schema `Area`. */
export const HaloCustomerSchema = z.lazy(() =>
  z.looseObject({
    id: readInt,
    name: maybe(z.string()),
    toplevel_id: maybe(readInt),
    inactive: maybe(z.boolean()),
  }),
)
export type HaloCustomer = z.infer<typeof HaloCustomerSchema>

/** An asset (schema `Device`). `key_field` is usually the device or host name. */
export const HaloAssetSchema = z.lazy(() =>
  z.looseObject({
    id: readInt,
    inventory_number: maybe(z.string()),
    key_field: maybe(z.string()),
    key_field2: maybe(z.string()),
    key_field3: maybe(z.string()),
    client_id: maybe(readInt),
    site_id: maybe(readInt),
    assettype_id: maybe(readInt),
    inactive: maybe(z.boolean()),
  }),
)
export type HaloAsset = z.infer<typeof HaloAssetSchema>

/**
 * A Halo end user (schema `Users`), the contact a ticket is raised for. Halo declares `site_id`
 * a double; ids are whole numbers all the same.
 */
export const HaloUserSchema = z.lazy(() =>
  z.looseObject({
    id: readInt,
    name: maybe(z.string()),
    emailaddress: maybe(z.string()),
    client_id: maybe(readInt),
    site_id: maybe(readInt),
    inactive: maybe(z.boolean()),
  }),
)
export type HaloUser = z.infer<typeof HaloUserSchema>

/** A Halo site (schema `Site`). */
export const HaloSiteSchema = z.lazy(() =>
  z.looseObject({
    id: readInt,
    name: maybe(z.string()),
    client_id: maybe(readInt),
    inactive: maybe(z.boolean()),
  }),
)
export type HaloSite = z.infer<typeof HaloSiteSchema>

/** A ticket type's field (schema `RequestTypeField`), with its definition (`FieldInfo`). */
export const HaloTicketTypeFieldSchema = z.lazy(() =>
  z.looseObject({
    fieldid: maybe(readInt),
    fieldname: maybe(z.string()),
    fieldinfo: maybe(
      z.looseObject({
        id: maybe(readInt),
        name: maybe(z.string()),
        label: maybe(z.string()),
        /** The field must have a value; Halo's only documented flag for it. */
        mandatory: maybe(z.boolean()),
        /** Non-zero for a custom field, set through `customfields: [{ id, value }]`. */
        custom: maybe(readInt),
        /** The ticket (`Faults`) field it is stored in, for a built-in field. */
        faults_field_name: maybe(z.string()),
      }),
    ),
  }),
)
export type HaloTicketTypeField = z.infer<typeof HaloTicketTypeFieldSchema>

/** A category a ticket type restricts to (schema `CategoryRestriction`). */
const HaloCategoryRestrictionSchema = z.lazy(() =>
  z.looseObject({ category_value: maybe(z.string()) }),
)

/** A team a ticket type allows (schema `SectionRequestType`). */
const HaloTeamRestrictionSchema = z.lazy(() =>
  z.looseObject({
    section_id: maybe(readInt),
    section_name: maybe(z.string()),
  }),
)

/**
 * A ticket type (schema `RequestType`), read with `includedetails` so that it carries its
 * `fields` and the teams and categories it allows.
 */
export const HaloTicketTypeSchema = z.lazy(() =>
  z.looseObject({
    id: readInt,
    name: maybe(z.string()),
    cancreate: maybe(z.boolean()),
    default_sla: maybe(readInt),
    /** Halo says the type has fields an agent must fill in (without saying which). */
    hasmandatorytechfields: maybe(z.boolean()),
    fields: maybe(z.array(HaloTicketTypeFieldSchema)),
    allowall_team: maybe(z.boolean()),
    allowed_teams: maybe(z.array(HaloTeamRestrictionSchema)),
    allowall_category1: maybe(z.boolean()),
    allowed_category1: maybe(z.array(HaloCategoryRestrictionSchema)),
    allowall_category2: maybe(z.boolean()),
    allowed_category2: maybe(z.array(HaloCategoryRestrictionSchema)),
    allowall_category3: maybe(z.boolean()),
    allowed_category3: maybe(z.array(HaloCategoryRestrictionSchema)),
    allowall_category4: maybe(z.boolean()),
    allowed_category4: maybe(z.array(HaloCategoryRestrictionSchema)),
  }),
)
export type HaloTicketType = z.infer<typeof HaloTicketTypeSchema>

/** A ticket status (schema `TStatus`). */
export const HaloStatusSchema = z.lazy(() =>
  z.looseObject({
    id: readInt,
    name: maybe(z.string()),
    type: maybe(readInt),
  }),
)
export type HaloStatus = z.infer<typeof HaloStatusSchema>

/** Who an entity is restricted to (schema `AccessControl`). */
const HaloAccessControlSchema = z.lazy(() =>
  z.looseObject({
    agent_id: maybe(readInt),
    team_id: maybe(readInt),
  }),
)

/** An action outcome (schema `TOutcome`): what `outcome` names on an action. */
export const HaloOutcomeSchema = z.lazy(() =>
  z.looseObject({
    id: readInt,
    outcome: maybe(z.string()),
    hidden: maybe(z.boolean()),
    access_control: maybe(z.array(HaloAccessControlSchema)),
  }),
)
export type HaloOutcome = z.infer<typeof HaloOutcomeSchema>

/**
 * A priority of one SLA (schema `Policy`). Tickets name a priority by `priorityid`, which means
 * something only within the ticket's SLA (the record's own `id` is a GUID nobody sends).
 */
export const HaloPrioritySchema = z.lazy(() =>
  z.looseObject({
    slaid: maybe(readInt),
    priorityid: readInt,
    name: maybe(z.string()),
  }),
)
export type HaloPriority = z.infer<typeof HaloPrioritySchema>

/** A team (schema `SectionDetail`); tickets name their team by `name`. */
export const HaloTeamSchema = z.lazy(() =>
  z.looseObject({
    id: readInt,
    name: maybe(z.string()),
    inactive: maybe(z.boolean()),
  }),
)
export type HaloTeam = z.infer<typeof HaloTeamSchema>

/** An agent (schema `Uname`), as `GET /Agent/me` describes the one the API acts as. */
export const HaloAgentSchema = z.lazy(() =>
  z.looseObject({
    id: readInt,
    name: maybe(z.string()),
    email: maybe(z.string()),
    isdisabled: maybe(z.boolean()),
    isapiagent: maybe(z.boolean()),
    /** The teams the agent is a member of (schema `UnameSection`). */
    teams: maybe(z.array(z.looseObject({ team_id: maybe(readInt), team_name: maybe(z.string()) }))),
  }),
)
export type HaloAgent = z.infer<typeof HaloAgentSchema>

/**
 * `GET /api/authinfo`, which needs no token. Halo documents no schema for it; clients read where
 * the auth server is and, on hosted Halo, the tenant (`?tenant=` on token requests).
 */
export const HaloAuthInfoSchema = z.lazy(() =>
  z.looseObject({
    auth_url: maybe(z.string()),
    tenant_id: maybe(z.string()),
  }),
)
export type HaloAuthInfo = z.infer<typeof HaloAuthInfoSchema>

/** The auth server's answer to a client-credentials request. */
export const HaloTokenResponseSchema = z.lazy(() =>
  z.looseObject({
    access_token: z.string().check(z.minLength(1)),
    token_type: z.optional(z.string()),
    // Lifetime in seconds; anything unreadable counts as absent and the client assumes a default.
    expires_in: z.catch(z.optional(z.coerce.number().check(z.positive())), undefined),
    /** The scopes Halo granted, space-separated; clients ask for `all`. */
    scope: z.catch(z.optional(z.string()), undefined),
  }),
)
export type HaloTokenResponse = z.infer<typeof HaloTokenResponseSchema>

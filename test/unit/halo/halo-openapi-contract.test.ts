import { existsSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import {
  ELEMENT_TYPES,
  FIELD_TYPES,
  type FieldType,
} from '../../../local/halo-sandbox/model-binding.js'
import { createHaloClient } from '../../../shared/halo/halo-client.js'
import * as queries from '../../../shared/halo/queries.js'
import * as schemas from '../../../shared/halo/schemas.js'
import { HaloActionInputSchema, HaloTicketInputSchema } from '../../../shared/halo/schemas.js'
import * as z from '../../../shared/zod-mini.js'
import {
  extractSubset,
  SOURCE_PATH,
  SUBSET_PATH,
} from '../../support/halo/extract-openapi-subset.js'
import {
  createContractChecker,
  elementOf,
  type Kind,
  queryKinds,
  shapeOf,
  wireQueryNames,
  zodKind,
} from '../../support/halo/openapi-contract.js'
import { isTokenCall, json, scriptedFetch, tokenAnswer } from '../../support/halo/scripted-fetch.js'

const checker = createContractChecker()

// Parameters we send that the vendored (older) Halo document does not declare, each with the
// reason it is still right. Nothing else may be missing from the document.
const UNDOCUMENTED_QUERY: Record<string, Record<string, string>> = {
  'GET /Tickets': {
    // Added in the newer Halo spec (fact sheet §3.3); checked below against the Faults field.
    third_party_id_string: 'newer spec: GET /Tickets?third_party_id_string=',
  },
}

const BODY_CONTRACTS: [string, string, z.core.$ZodType][] = [
  ['HaloTicketInputSchema', 'Faults', HaloTicketInputSchema],
  ['HaloActionInputSchema', 'Actions', HaloActionInputSchema],
]

const QUERY_CONTRACTS: [string, string, z.core.$ZodType][] = [
  ['HaloTicketQuerySchema', '/Tickets', queries.HaloTicketQuerySchema],
  ['HaloActionQuerySchema', '/Actions', queries.HaloActionQuerySchema],
  ['HaloClientQuerySchema', '/Client', queries.HaloClientQuerySchema],
  ['HaloAssetQuerySchema', '/Asset', queries.HaloAssetQuerySchema],
  ['HaloUserQuerySchema', '/Users', queries.HaloUserQuerySchema],
  ['HaloTicketTypeQuerySchema', '/TicketType/{id}', queries.HaloTicketTypeQuerySchema],
  ['HaloStatusQuerySchema', '/Status', queries.HaloStatusQuerySchema],
  ['HaloPriorityQuerySchema', '/Priority', queries.HaloPriorityQuerySchema],
]

// What the client reads, each against the schema Halo documents for that answer. Fields we read
// that Halo does not document would always be absent; a wrong type would fail every read.
const READ_CONTRACTS: [string, string, z.core.$ZodType][] = [
  ['HaloTicketSchema', 'Faults', schemas.HaloTicketSchema],
  ['HaloActionSchema', 'Actions', schemas.HaloActionSchema],
  ['HaloCustomerSchema', 'Area', schemas.HaloCustomerSchema],
  ['HaloSiteSchema', 'Site', schemas.HaloSiteSchema],
  ['HaloAssetSchema', 'Device', schemas.HaloAssetSchema],
  ['HaloUserSchema', 'Users', schemas.HaloUserSchema],
  ['HaloTicketTypeSchema', 'RequestType', schemas.HaloTicketTypeSchema],
  ['HaloStatusSchema', 'TStatus', schemas.HaloStatusSchema],
  ['HaloOutcomeSchema', 'TOutcome', schemas.HaloOutcomeSchema],
  ['HaloPrioritySchema', 'Policy', schemas.HaloPrioritySchema],
  ['HaloTeamSchema', 'SectionDetail', schemas.HaloTeamSchema],
  ['HaloAgentSchema', 'Uname', schemas.HaloAgentSchema],
]

/** A value of the right kind for every field of a zod object, so every field goes on the wire. */
const sampleOf = (schema: z.core.$ZodType): unknown => {
  const { kind, inner } = zodKind(schema)
  switch (kind) {
    case 'int':
      return 1
    case 'number':
      return 1.5
    case 'string':
      return 'sample'
    case 'boolean':
      return true
    case 'array':
      return [sampleOf(elementOf(inner))]
    case 'object':
      return Object.fromEntries(Object.entries(shapeOf(inner)).map(([k, v]) => [k, sampleOf(v)]))
    default:
      return 'sample'
  }
}
const sampleObject = <S extends z.core.$ZodType>(schema: S) => sampleOf(schema) as z.infer<S>

describe('Halo OpenAPI subset', () => {
  it("is an unchanged extract of Halo's document beside the repository", () => {
    // CI keeps the reference document at ../shared/reference; this test needs it.
    expect(existsSync(SOURCE_PATH)).toBe(true)
    const source = JSON.parse(readFileSync(SOURCE_PATH, 'utf8'))
    const stored = JSON.parse(readFileSync(SUBSET_PATH, 'utf8'))

    expect(stored).toEqual(extractSubset(source))
  })
})

describe('request contract: what the client can send matches Halo OpenAPI schemas', () => {
  it.each(BODY_CONTRACTS)(
    'every field of %s exists on %s with a compatible type',
    (_, target, schema) => {
      expect(checker.checkZodBody(shapeOf(schema), checker.schemaNamed(target))).toEqual([])
    },
  )

  it.each(QUERY_CONTRACTS)(
    'every parameter of %s is a GET %s query parameter of a compatible type',
    (_, path, schema) => {
      const allowed = UNDOCUMENTED_QUERY[`GET ${path}`]
      expect(checker.checkQuery(path, 'GET', queryKinds(shapeOf(schema)), allowed)).toEqual([])
    },
  )

  it.each(READ_CONTRACTS)(
    'every field %s reads exists on %s with a compatible type',
    (_, target, schema) => {
      expect(checker.checkZodBody(shapeOf(schema), checker.schemaNamed(target))).toEqual([])
    },
  )

  it('catches a read field Halo does not document, nested ones included (the checker can fail)', () => {
    const agent = checker.schemaNamed('Uname')
    const misread = z.extend(schemas.HaloAgentSchema._zod.innerType, {
      teams: z.array(z.looseObject({ teamid: z.int() })),
    })

    expect(checker.checkZodBody(misread.shape, agent)).toEqual([
      "teams[].teamid: no such field in Halo's schema",
    ])
  })

  it('checks the filter the old document lacks against the ticket field it filters on', () => {
    const kind: Kind = zodKind(
      queries.HaloTicketQuerySchema._zod.innerType.shape.third_party_id_string,
    ).kind
    const field = checker.schemaNamed('Faults').properties?.third_party_id_string

    expect(kind).toBe('string')
    expect(field?.type).toBe('string')
  })

  it('catches a misspelt field and a wrong type (the checker can fail)', () => {
    const faults = checker.schemaNamed('Faults')

    expect(checker.checkValue({ third_party_idstring: 'x' }, faults)).toEqual([
      "third_party_idstring: no such field in Halo's schema",
    ])
    expect(checker.checkValue({ client_id: 'twelve' }, faults)).toEqual([
      'client_id: we send string, Halo expects integer',
    ])
    expect(checker.checkValue({ customfields: [{ idd: 1 }] }, faults)).toEqual([
      "customfields[].idd: no such field in Halo's schema",
    ])
    expect(checker.checkQuery('/Tickets', 'GET', { pagenate: 'boolean' })).toEqual([
      'GET /Tickets ?pagenate: no such query parameter',
    ])
  })

  it('sends only documented paths, parameters and fields on the wire, from every client method', async () => {
    const { fetch, calls } = scriptedFetch((call) => {
      if (isTokenCall(call)) return tokenAnswer()
      const path = call.url.pathname.toLowerCase()
      if (call.method === 'POST') return json({ id: 1, ticket_id: 1 })
      if (/\/api\/(tickets|client|site|tickettype)\/\d+$|\/api\/agent\/me$/.test(path)) {
        return json({ id: 1, priorityid: 1 })
      }
      if (path.endsWith('/api/authinfo')) return json({ auth_url: 'https://acme.halo.test/auth' })
      const key = path.split('/').at(-1) ?? ''
      const envelopes: Record<string, string> = {
        tickets: 'tickets',
        actions: 'actions',
        client: 'clients',
        asset: 'assets',
        users: 'users',
      }
      const envelope = envelopes[key]
      return json(
        envelope ? { record_count: 1, [envelope]: [{ id: 1 }] } : [{ id: 1, priorityid: 1 }],
      )
    })
    const client = createHaloClient({
      baseUrl: 'https://acme.halo.test',
      clientId: 'id',
      clientSecret: 'secret',
      discover: false,
      fetch,
    })

    await client.createTicket(sampleObject(HaloTicketInputSchema))
    await client.getTicket(5)
    await client.findTicketsByThirdPartyId('alert-1')
    await client.findTicketsByThirdPartyId('alert-1', { openOnly: false })
    await client.addAction({ ...sampleObject(HaloActionInputSchema), ticket_id: 5 })
    await client.listActions(5)
    await client.listActions(5, { excludeSystem: true })
    await client.listClients(sampleObject(queries.HaloClientQuerySchema))
    await client.findAssets({ hostname: 'acme-dc01', clientId: 12 })
    await client.findAssets({ inventoryNumber: 'ACME-0001' })
    await client.listAssets(sampleObject(queries.HaloAssetQuerySchema))
    await client.listUsers(sampleObject(queries.HaloUserQuerySchema))
    await client.authInfo()
    await client.currentAgent()
    await client.getTicketType(21)
    await client.getClient(12)
    await client.getSite(21)
    await client.listStatuses(sampleObject(queries.HaloStatusQuerySchema))
    await client.listOutcomes()
    await client.listPriorities(sampleObject(queries.HaloPriorityQuerySchema))
    await client.listTeams()

    const problems: string[] = []
    const apiCalls = calls.filter((c) => !isTokenCall(c))
    for (const call of apiCalls) {
      const path = checker.matchPath(call.url.pathname)
      if (!path) {
        problems.push(`${call.method} ${call.url.pathname}: no such path`)
        continue
      }
      const allowed = UNDOCUMENTED_QUERY[`${call.method} ${path}`]
      problems.push(
        ...checker.checkQuery(path, call.method, wireQueryNames(call.url.searchParams), allowed),
      )
      if (call.body !== undefined) {
        const target = path === '/Tickets' ? 'Faults' : path === '/Actions' ? 'Actions' : undefined
        if (!target) problems.push(`${call.method} ${path}: unexpected body`)
        const items = JSON.parse(call.body) as unknown
        if (!Array.isArray(items)) problems.push(`${call.method} ${path}: body is not an array`)
        for (const item of Array.isArray(items) ? items : []) {
          if (target) problems.push(...checker.checkValue(item, checker.schemaNamed(target)))
        }
      }
    }

    expect(problems).toEqual([])
    // 21 calls, and the two lookups each read their one row whole (list rows lack the field).
    expect(apiCalls).toHaveLength(23)
  })
})

describe("sandbox model binding matches Halo's field types", () => {
  const SCHEMA_OF: Record<string, string> = {
    tickets: 'Faults',
    actions: 'Actions',
    client: 'Area',
    site: 'Site',
    users: 'Users',
    asset: 'Device',
    tickettype: 'RequestType',
    status: 'TStatus',
    priority: 'Policy',
    outcome: 'TOutcome',
    agent: 'Uname',
    team: 'SectionDetail',
    lookup: 'Lookup',
  }
  const COMPATIBLE: Record<FieldType, (p: { type?: string; format?: string }) => boolean> = {
    int: (p) => p.type === 'integer',
    number: (p) => p.type === 'number',
    string: (p) => p.type === 'string' && p.format !== 'date-time',
    bool: (p) => p.type === 'boolean',
    datetime: (p) => p.type === 'string' && p.format === 'date-time',
    array: (p) => p.type === 'array',
    any: () => true,
  }

  it.each(Object.entries(FIELD_TYPES))(
    'the %s table agrees with the OpenAPI schema',
    (resource, fields) => {
      const schema = checker.schemaNamed(SCHEMA_OF[resource] ?? 'missing')
      const problems = Object.entries(fields).flatMap(([field, type]) => {
        const property = schema.properties?.[field]
        if (!property) return [`${field}: not in ${SCHEMA_OF[resource]}`]
        return COMPATIBLE[type](property)
          ? []
          : [`${field}: sandbox says ${type}, Halo says ${property.type}`]
      })
      expect(problems).toEqual([])
    },
  )

  it.each(Object.entries(ELEMENT_TYPES))(
    'the element table of %s agrees with the ticket schema',
    (field, types) => {
      const property = checker.schemaNamed('Faults').properties?.[field]
      const items = checker.resolve(property?.items)
      const problems = Object.entries(types).flatMap(([key, type]) => {
        const inner = items?.properties?.[key]
        if (!inner) return [`${field}[].${key}: not in Halo's schema`]
        return COMPATIBLE[type](inner)
          ? []
          : [`${field}[].${key}: sandbox says ${type}, Halo says ${inner.type}`]
      })
      expect(problems).toEqual([])
    },
  )
})

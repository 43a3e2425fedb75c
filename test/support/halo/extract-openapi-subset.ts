import { readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

// Copies the parts of Halo's OpenAPI document that halo-hooks talks to into
// test/support/halo/halo-openapi.subset.json, so contract tests need nothing outside the repo.
// Every path item and schema is copied unchanged; only the selection is ours.
//
//   npx tsx test/support/halo/extract-openapi-subset.ts && npx biome format --write test/support/halo

/** The Halo reference document, which lives beside the repository (read-only in CI too). */
export const SOURCE_PATH = fileURLToPath(
  new URL('../../../../shared/reference/halo-openapi.json', import.meta.url),
)
export const SUBSET_PATH = fileURLToPath(new URL('./halo-openapi.subset.json', import.meta.url))

/** Paths the client or the sandbox serves. */
export const SUBSET_PATHS = [
  '/AuthInfo',
  '/Tickets',
  '/Tickets/{id}',
  '/Actions',
  '/Actions/{id}',
  '/Client',
  '/Client/{id}',
  '/Site',
  '/Site/{id}',
  '/Users',
  '/Users/{id}',
  '/Asset',
  '/Asset/{id}',
  '/TicketType',
  '/TicketType/{id}',
  '/Status',
  '/Priority',
  '/Outcome',
  '/Lookup',
  '/Agent',
  '/Agent/me',
  '/Team',
]

/** Schemas of the bodies we send or accept, and of the objects nested in them. */
export const SUBSET_SCHEMAS = [
  'Faults',
  'Actions',
  'CustomField',
  'Device_List',
  'Area',
  'Site',
  'Users',
  'Device',
  'RequestType',
  'RequestTypeField',
  'FieldInfo',
  'CategoryRestriction',
  'SectionRequestType',
  'TStatus',
  'Policy',
  'TOutcome',
  'Lookup',
  'Uname',
  'UnameSection',
  'AccessControl',
  'SectionDetail',
]

type OpenApi = {
  openapi: string
  info: unknown
  servers?: unknown
  paths: Record<string, unknown>
  components: { schemas: Record<string, unknown> }
}

/** The subset, built from the full document. Throws when something we rely on is missing. */
export const extractSubset = (source: OpenApi): OpenApi => {
  const pick = <T>(from: Record<string, T>, keys: string[], what: string) =>
    Object.fromEntries(
      keys.map((key) => {
        const value = from[key]
        if (value === undefined) throw new Error(`${what} ${key} is not in the Halo document`)
        return [key, value]
      }),
    )
  return {
    openapi: source.openapi,
    info: source.info,
    servers: source.servers,
    paths: pick(source.paths, SUBSET_PATHS, 'path'),
    components: { schemas: pick(source.components.schemas, SUBSET_SCHEMAS, 'schema') },
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const source = JSON.parse(readFileSync(SOURCE_PATH, 'utf8')) as OpenApi
  writeFileSync(SUBSET_PATH, `${JSON.stringify(extractSubset(source), null, 2)}\n`)
  console.log(`wrote ${SUBSET_PATH}`)
}

import fc from 'fast-check'
import { expect } from 'vitest'
import { pendingAlerts } from '../envelopes.js'
import { bearer, createSourceHarness, readFixture } from './source-harness.js'
import type { Delivered } from './source-properties.js'

/** Where a value sits in a JSON document: object keys and array indexes, outermost first. */
export type JsonPath = readonly (string | number)[]

const JSON_TYPES = ['string', 'number', 'boolean', 'null', 'array', 'object'] as const
type JsonType = (typeof JSON_TYPES)[number]

const jsonTypeOf = (value: unknown): JsonType =>
  value === null ? 'null' : Array.isArray(value) ? 'array' : (typeof value as JsonType)

/** Small values of each JSON type, so that a sample with hundreds of fields stays quick to run. */
const VALUES: Record<JsonType, fc.Arbitrary<unknown>> = {
  string: fc.string({ maxLength: 12 }),
  number: fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true })),
  boolean: fc.boolean(),
  null: fc.constant(null),
  array: fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 3 }),
  object: fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 1 }), {
    maxKeys: 3,
  }),
}

/**
 * Deliveries one property aims to spend: a sender with up to 20 fields tries all five other
 * types on each, one with more gets fewer, down to one sampled type per field (never less), so
 * that GitHub's thousand fields still run in about a second and the whole suite stays quick.
 */
const DELIVERY_BUDGET = 100

/** `count` values, each of a different JSON type and none of `value`'s own (types sampled). */
const ofOtherTypes = (value: unknown, count: number): fc.Arbitrary<unknown[]> =>
  fc
    .shuffledSubarray(
      JSON_TYPES.filter((type) => type !== jsonTypeOf(value)),
      { minLength: count, maxLength: count },
    )
    .chain((types) => fc.tuple(...types.map((type) => VALUES[type])))

/** Every object and leaf path of `value`, each parent before what it holds. */
export const jsonPaths = (value: unknown, parent: JsonPath = []): JsonPath[] => {
  if (value === null || typeof value !== 'object') return []
  return Object.entries(value).flatMap(([name, item]) => {
    const path = [...parent, Array.isArray(value) ? Number(name) : name]
    return [path, ...jsonPaths(item, path)]
  })
}

/** The path as essential lists spell it: dotted, with `*` for any array index. */
export const pathPattern = (path: JsonPath): string =>
  path.map((step) => (typeof step === 'number' ? '*' : step)).join('.')

/** Whether replacing `path` replaces an essential field, part of one, or one it holds. */
export const touchesEssential = (path: JsonPath, essential: readonly string[]): boolean => {
  const pattern = pathPattern(path)
  return essential.some(
    (field) =>
      field === pattern || field.startsWith(`${pattern}.`) || pattern.startsWith(`${field}.`),
  )
}

const valueAt = (value: unknown, path: JsonPath): unknown =>
  path.reduce<unknown>((inner, step) => (inner as Record<string | number, unknown>)[step], value)

/** A copy of `value` with what sits at `path` replaced by `replacement`. */
export const replacedAt = (value: unknown, path: JsonPath, replacement: unknown): unknown => {
  const [step, ...rest] = path
  if (step === undefined) return replacement
  const copy = (Array.isArray(value) ? [...value] : { ...(value as object) }) as Record<
    string | number,
    unknown
  >
  copy[step] = replacedAt(copy[step], rest, replacement)
  return copy
}

/** What a delivery came to: the answer's status, and each alert's event type, key and status. */
export const identityOf = ({ response, queue }: Delivered) => ({
  status: response.status,
  alerts: pendingAlerts(queue).map(({ type, alert }) => ({
    type,
    key: alert.key,
    status: alert.status,
  })),
})

export type LenienceOptions = {
  /**
   * The fields an alert's key, status and event type come from, and those the sender's protocol
   * needs, as dotted paths with `*` for any array index (`alerts.*.labels`). They and everything
   * inside them are left as they are.
   */
  essential: readonly string[]
  /** Valid samples of the sender, parsed, by name (for failure messages). */
  samples: Readonly<Record<string, unknown>>
  /** Encodes and signs `value` as the sender would and POSTs it to a fresh app. */
  deliver: (value: unknown, name: string) => Promise<Delivered>
}

/**
 * Asserts that no field outside `essential` can refuse a payload or change what it identifies:
 * each sample is delivered as it is (and must be answered 2xx), then with one non-essential path
 * at a time (every object and leaf, enumerated) replaced by a value of another JSON type, and
 * every answer must equal the first: same status, same alerts by type, key and status. Each path
 * gets as many of its five other types (sampled) as {@link DELIVERY_BUDGET} allows, at least one.
 */
export const assertLenientBeyondEssentials = async ({
  essential,
  samples,
  deliver,
}: LenienceOptions) => {
  const fields = Object.entries(samples).map(([name, sample]) => ({
    name,
    sample,
    paths: jsonPaths(sample).filter((path) => !touchesEssential(path, essential)),
  }))
  const total = fields.reduce((sum, { paths }) => sum + paths.length, 0)
  expect(total, 'fields outside the essential ones').toBeGreaterThan(0)
  const typesPerPath = Math.max(1, Math.min(5, Math.floor(DELIVERY_BUDGET / total)))
  for (const { name, sample, paths } of fields) {
    const expected = identityOf(await deliver(sample, name))
    expect([200, 202], `${name} as published`).toContain(expected.status)
    await fc.assert(
      fc.asyncProperty(
        fc.tuple(...paths.map((path) => ofOtherTypes(valueAt(sample, path), typesPerPath))),
        async (replacements) => {
          for (const [index, path] of paths.entries()) {
            for (const replacement of replacements[index] ?? []) {
              const delivered = await deliver(replacedAt(sample, path, replacement), name)
              expect(
                identityOf(delivered),
                `${name} with ${pathPattern(path)} = ${JSON.stringify(replacement)}`,
              ).toEqual(expected)
            }
          }
        },
      ),
      // One run covers every path; the failure message names the path and the value it held.
      { numRuns: 1, endOnFailure: true },
    )
  }
}

/** `test/fixtures/<sender>/<name>` parsed, for each of `names`, by name. */
export const parsedFixtures = (sender: string, names: readonly string[]): Record<string, unknown> =>
  Object.fromEntries(names.map((name) => [name, JSON.parse(readFixture(sender, name))]))

/**
 * Delivers a value as JSON to a fresh route of `source` whose token (`secret`) travels as a bearer
 * header or as the `?token=` query parameter.
 */
export const deliverWithToken =
  (source: string, via: 'bearer' | 'query') =>
  async (value: unknown): Promise<Delivered> => {
    const { queue, post } = createSourceHarness({
      route: {
        source,
        auth: via === 'bearer' ? { type: 'bearer' } : { type: 'query', param: 'token' },
      },
      secret: { current: 'secret' },
      now: new Date('2026-11-28T08:00:00Z'),
    })
    const body = JSON.stringify(value)
    const response = await post(
      body,
      via === 'bearer' ? { headers: bearer() } : { query: '?token=secret' },
    )
    return { response, queue }
  }

import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { SEVERITIES } from '../../../shared/alert.js'
import { AlertSchema } from '../../../shared/alert-schema.js'
import { checkedAlert } from '../../../shared/checked-alert.js'
import { spreadUnder } from '../../../shared/ingest/spread-under.js'

// finishAlert builds its candidate with spreadUnder instead of `{ ...fields, ...normalized }`: the
// same keys, values and prototype in another order. The first property holds the sameness; the
// second that the order is not read by what the candidate meets (checkedAlert, AlertSchema).

const TAG = Symbol('tag')
const HIDDEN = Symbol('hidden')

const keyName = fc.constantFrom(
  '__proto__',
  'constructor',
  'toString',
  'key',
  'title',
  'tenant',
  'a',
)

/** Objects as JSON.parse and the sources make them, own `__proto__` and symbol keys included. */
const plainObject = fc
  .tuple(
    fc.dictionary(keyName, fc.jsonValue(), { maxKeys: 5 }),
    fc.option(fc.jsonValue(), { nil: undefined }),
    fc.option(fc.jsonValue(), { nil: undefined }),
  )
  .map(([entries, tagged, hidden]) => {
    const value = JSON.parse(JSON.stringify(entries)) as Record<PropertyKey, unknown>
    if (tagged !== undefined) value[TAG] = tagged
    if (hidden !== undefined) Object.defineProperty(value, HIDDEN, { value: hidden })
    return value
  })

const descriptors = (value: object) =>
  Object.fromEntries(
    Reflect.ownKeys(value)
      .map((key) => [String(key), Object.getOwnPropertyDescriptor(value, key)] as const)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  )

describe('spreadUnder', () => {
  it('answers what { ...base, ...own } answers but for the order of its keys', () => {
    fc.assert(
      fc.property(plainObject, plainObject, (base, own) => {
        const spread = { ...base, ...own }
        const under = spreadUnder({ ...own }, base)
        expect(Object.getPrototypeOf(under)).toBe(Object.getPrototypeOf(spread))
        expect(descriptors(under)).toEqual(descriptors(spread))
      }),
      { numRuns: 1_000 },
    )
  })
})

const candidate = fc.record(
  {
    key: fc.oneof(fc.string({ maxLength: 20 }), fc.anything()),
    status: fc.oneof(fc.constantFrom('firing', 'resolved'), fc.anything()),
    severity: fc.oneof(fc.constantFrom(...SEVERITIES), fc.anything()),
    title: fc.oneof(fc.string({ maxLength: 20 }), fc.anything()),
    description: fc.oneof(fc.string({ maxLength: 20 }), fc.constant(undefined)),
    occurredAt: fc.oneof(fc.constant('2026-11-28T07:00:00.000Z'), fc.anything()),
    url: fc.oneof(fc.string({ maxLength: 20 }), fc.constant(undefined)),
    resource: fc.oneof(fc.string({ maxLength: 20 }), fc.constant(undefined)),
    tenant: fc.oneof(fc.record({ name: fc.string() }), fc.anything()),
    labels: fc.oneof(fc.dictionary(fc.string(), fc.string()), fc.anything()),
    group: fc.string(),
    extra: fc.anything(),
  },
  { requiredKeys: ['key', 'title'] },
)

const reordered = (value: Record<string, unknown>, order: number[]) => {
  const keys = Object.keys(value)
  const shuffled = keys
    .map((key, index) => [key, order[index % order.length] ?? 0] as const)
    .sort(([, a], [, b]) => a - b)
  const copy = Object.create(Object.getPrototypeOf(value)) as Record<string, unknown>
  for (const [key] of shuffled) copy[key] = value[key]
  return copy
}

describe('the alert check', () => {
  it('answers the same for a candidate whatever the order of its keys', () => {
    fc.assert(
      fc.property(candidate, fc.array(fc.integer(), { minLength: 1 }), (input, order) => {
        const other = reordered(input, order)
        expect(checkedAlert(other)).toStrictEqual(checkedAlert(input))
        const [parsed, parsedOther] = [AlertSchema.safeParse(input), AlertSchema.safeParse(other)]
        expect(parsedOther.success).toBe(parsed.success)
        expect(parsedOther.data).toStrictEqual(parsed.data)
        expect(parsedOther.error?.issues).toEqual(parsed.error?.issues)
      }),
      { numRuns: 1_000 },
    )
  })
})

import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import * as z from 'zod'
import {
  lenient,
  lenientList,
  lenientText,
  lenientTextMap,
} from '../../../shared/sources/lenient.js'

// The lenient helpers as first written (optional().catch() around the field's own schema): the
// ones in use read a field in one step, and must answer exactly what these did.
const first = {
  lenient: <T extends z.ZodType>(schema: T) => schema.optional().catch(undefined),
  scalarText: (value: unknown): unknown =>
    typeof value === 'number' || typeof value === 'boolean' ? String(value) : value,
  lenientText: (schema: z.ZodType<string> = z.string()) =>
    first.lenient(z.preprocess(first.scalarText, schema)),
  lenientList: <T extends z.ZodType>(item: T) =>
    first.lenient(
      z.array(z.unknown()).transform((items) =>
        items.flatMap((value) => {
          const result = item.safeParse(value)
          return result.success && result.data !== undefined ? [result.data] : []
        }),
      ),
    ),
  lenientTextMap: () =>
    first.lenient(z.record(z.string(), z.unknown())).transform((entries) =>
      Object.fromEntries(
        Object.entries(entries ?? {}).flatMap(([name, value]) => {
          const text = first.scalarText(value)
          return typeof text === 'string' ? [[name, text] as const] : []
        }),
      ),
    ),
}

/** The same fields built with each set of helpers. */
const shapeOf = (helpers: {
  lenient: typeof lenient
  lenientText: typeof lenientText
  lenientList: typeof lenientList
  lenientTextMap: typeof lenientTextMap
}) =>
  z.looseObject({
    capped: helpers.lenient(z.string().max(5)),
    count: helpers.lenient(z.number().int().nonnegative()),
    status: helpers.lenient(z.enum(['firing', 'resolved'])),
    nested: helpers.lenient(z.looseObject({ id: z.string() })),
    text: helpers.lenientText(),
    key: helpers.lenientText(z.string().min(1)),
    short: helpers.lenientText(z.string().max(4)),
    list: helpers.lenientList(z.string().min(1)),
    texts: helpers.lenientList(helpers.lenientText()),
    annotations: helpers.lenientTextMap(),
  })

const inUse = shapeOf({ lenient, lenientText, lenientList, lenientTextMap })
const asFirst = shapeOf(first as never)

const FIELDS = Object.keys(inUse.shape)

/** Values a sender might put anywhere, objects as JSON.parse makes them (own __proto__ too). */
const value = fc.oneof(
  fc.jsonValue(),
  fc.string({ maxLength: 8 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.oneof(fc.string({ maxLength: 3 }), fc.integer(), fc.constant(null), fc.boolean())),
  fc
    .dictionary(
      fc.constantFrom('__proto__', 'constructor', 'id', 'a', '1', 'summary'),
      fc.oneof(
        fc.string({ maxLength: 4 }),
        fc.integer(),
        fc.boolean(),
        fc.constant(null),
        fc.jsonValue(),
      ),
    )
    .map((entries) => JSON.parse(JSON.stringify(entries)) as unknown),
)

/** A payload with each field present (with any value) or absent. */
const payload = fc
  .array(fc.tuple(fc.constantFrom(...FIELDS), value), { maxLength: FIELDS.length })
  .map((entries) =>
    JSON.parse(JSON.stringify(Object.fromEntries(entries.filter(([, v]) => v !== undefined)))),
  )

describe('lenient fields', () => {
  it('read any payload exactly as the first lenient helpers did', () => {
    fc.assert(
      fc.property(payload, (input) => {
        const expected = asFirst.safeParse(input)
        const actual = inUse.safeParse(input)
        expect(actual.success).toBe(expected.success)
        expect(actual.data).toStrictEqual(expected.data)
        expect(JSON.stringify(actual.data)).toBe(JSON.stringify(expected.data))
        expect(Object.keys(actual.data ?? {})).toEqual(Object.keys(expected.data ?? {}))
      }),
      { numRuns: 1000 },
    )
  })

  it('read a text map from an object with a prototype of its own as z.record did', () => {
    const proto = { inherited: 'x' }
    const value = Object.assign(Object.create(proto), { own: 'y', n: 1 })
    expect(inUse.parse({ annotations: value }).annotations).toStrictEqual(
      asFirst.parse({ annotations: value }).annotations,
    )
  })
})

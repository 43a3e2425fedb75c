import { once } from '../once.js'
import * as z from '../zod-mini.js'

// Only the fields an alert's key, status and event type come from (and those a sender's protocol
// needs) may refuse a payload. Every other field a source reads goes through one of these: a value
// of the wrong type is not worth losing the alert over (senders drop 4xx answers), so it reads as
// absent and the source falls back as if the sender had left it out.

// They read a field in one step (a transform) rather than through `optional().catch()` around
// the field's schema, which builds and then discards the issues of every value it refuses and
// took half of an Alertmanager notification's validation (BENCHMARKS.md); what each answers is
// the same (test/unit/sources/lenient.property.test.ts holds them to the first versions).

/** `schema`'s output for a value it accepts, `undefined` for any other. */
const accepted =
  <T extends z.core.$ZodType>(schema: T) =>
  (value: unknown): z.output<T> | undefined => {
    const result = z.safeParse(schema, value)
    return result.success ? result.data : undefined
  }

/**
 * A field that never refuses a payload: any value that fails `schema` (a wrong type, a value out
 * of range or over a length cap) reads as `undefined`, as an absent field would.
 */
export const lenient = <T extends z.core.$ZodType>(schema: T) =>
  z.optional(z.pipe(z.unknown(), z.transform(accepted(schema))))

/** Numbers and booleans as their text; anything else as it is. */
const scalarText = (value: unknown): unknown =>
  typeof value === 'number' || typeof value === 'boolean' ? String(value) : value

/** Any text, with numbers and booleans as their text; `undefined` for anything else. */
const anyText = (value: unknown): string | undefined => {
  const text = scalarText(value)
  return typeof text === 'string' ? text : undefined
}

/**
 * Text that never refuses a payload: a number or boolean is kept as its text (`42` → `"42"`), and
 * anything else that fails `schema` (an object, an array, null, text over its cap) reads as
 * `undefined`. Not for instants: `"42"` would read as the year 42.
 */
export const lenientText = (schema?: z.core.$ZodType<string>) => {
  if (!schema) return z.optional(z.pipe(z.unknown(), z.transform(anyText)))
  const accept = accepted(schema)
  return z.optional(
    z.pipe(
      z.unknown(),
      z.transform((value) => accept(scalarText(value))),
    ),
  )
}

/**
 * A list that never refuses a payload: anything but an array reads as `undefined`, and the items
 * that fail `item` are left out.
 */
export const lenientList = <T extends z.core.$ZodType>(item: T) =>
  lenient(
    z.pipe(
      z.array(z.unknown()),
      z.transform((items) =>
        items.flatMap((value) => {
          const result = z.safeParse(item, value)
          return result.success && result.data !== undefined
            ? [result.data as Exclude<z.output<T>, undefined>]
            : []
        }),
      ),
    ),
  )

/** Whether every own enumerable value is text, under names a copy would keep as they are (no `__proto__`). */
export const isTextMap = (value: object): boolean => {
  for (const name of Object.keys(value)) {
    if (name === '__proto__' || typeof (value as Record<string, unknown>)[name] !== 'string') {
      return false
    }
  }
  return true
}

/**
 * A name → text map (annotations, custom properties) that never refuses a payload: numbers and
 * booleans are kept as text, other values are left out, and anything but an object reads as `{}`.
 */
export const lenientTextMap = () =>
  z.pipe(
    z.optional(z.unknown()),
    z.transform((value) => {
      const entries: Record<string, string> = {}
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return entries
      const prototype = Object.getPrototypeOf(value)
      // Text throughout already (as senders mostly send it): the object itself, not a copy.
      if (prototype === Object.prototype && isTextMap(value)) return value as Record<string, string>
      // What z.record reads of a plain object (all JSON makes): its own keys, never `__proto__`.
      const record =
        prototype === Object.prototype || prototype === null
          ? (value as Record<string, unknown>)
          : readRecord(value)
      for (const name of Object.keys(record)) {
        const text = name === '__proto__' ? undefined : anyText(record[name])
        if (text !== undefined) entries[name] = text
      }
      return entries
    }),
  )

const recordSchema = once(() => z.record(z.string(), z.unknown()))

/** Anything else z.record itself reads (or refuses, as `{}`). */
const readRecord = (value: unknown): Record<string, unknown> =>
  accepted(recordSchema())(value) ?? {}

import * as z from 'zod'

// Only the fields an alert's key, status and event type come from (and those a sender's protocol
// needs) may refuse a payload. Every other field a source reads goes through one of these: a value
// of the wrong type is not worth losing the alert over (senders drop 4xx answers), so it reads as
// absent and the source falls back as if the sender had left it out.

/**
 * A field that never refuses a payload: any value that fails `schema` (a wrong type, a value out
 * of range or over a length cap) reads as `undefined`, as an absent field would.
 */
export const lenient = <T extends z.ZodType>(schema: T) => schema.optional().catch(undefined)

/** Numbers and booleans as their text; anything else as it is. */
const scalarText = (value: unknown): unknown =>
  typeof value === 'number' || typeof value === 'boolean' ? String(value) : value

/**
 * Text that never refuses a payload: a number or boolean is kept as its text (`42` → `"42"`), and
 * anything else that fails `schema` (an object, an array, null, text over its cap) reads as
 * `undefined`. Not for instants: `"42"` would read as the year 42.
 */
export const lenientText = (schema: z.ZodType<string> = z.string()) =>
  lenient(z.preprocess(scalarText, schema))

/**
 * A list that never refuses a payload: anything but an array reads as `undefined`, and the items
 * that fail `item` are left out.
 */
export const lenientList = <T extends z.ZodType>(item: T) =>
  lenient(
    z.array(z.unknown()).transform((items) =>
      items.flatMap((value) => {
        const result = item.safeParse(value)
        return result.success && result.data !== undefined
          ? [result.data as Exclude<z.output<T>, undefined>]
          : []
      }),
    ),
  )

/**
 * A name → text map (annotations, custom properties) that never refuses a payload: numbers and
 * booleans are kept as text, other values are left out, and anything but an object reads as `{}`.
 */
export const lenientTextMap = () =>
  lenient(z.record(z.string(), z.unknown())).transform((entries) =>
    Object.fromEntries(
      Object.entries(entries ?? {}).flatMap(([name, value]) => {
        const text = scalarText(value)
        return typeof text === 'string' ? [[name, text] as const] : []
      }),
    ),
  )

import { NOT_SURE } from './schema-readers.generated.js'
import type * as z from './zod-mini.js'

/** What a schema answers: `safeParse` and `parse`, as zod's schemas do. */
export type Parser<T> = {
  safeParse(value: unknown): z.core.util.SafeParseResult<T>
  parse(value: unknown): T
}

/**
 * A schema as deliver reads with it: the reader compiled from it (shared/schema-readers.generated.ts),
 * which answers the values it is sure of, and the schema itself, loaded (zod with it) the first
 * time the reader is not sure, to answer that value and say what is wrong with it.
 */
export type SchemaReading<T> = {
  read: (value: unknown) => unknown
  schema: () => Promise<Parser<T>>
}

/** A reading of `read` with `load` for its schema, loaded once. */
export const schemaReading = <T>(
  read: (value: unknown) => unknown,
  load: () => Promise<Parser<T>>,
): SchemaReading<T> => {
  let schema: Promise<Parser<T>> | undefined
  return {
    read,
    schema: () =>
      (schema ??= load().catch((error: unknown) => {
        // A failed load (a missing chunk) is tried again by the next value, not kept.
        schema = undefined
        throw error
      })),
  }
}

/** `schema.safeParse(value)`: the reader's answer when it is sure, else the schema's. */
export const safeRead = async <T>(
  reading: SchemaReading<T>,
  value: unknown,
): Promise<z.core.util.SafeParseResult<T>> => {
  const answer = reading.read(value)
  if (answer !== NOT_SURE) return { success: true, data: answer as T }
  return (await reading.schema()).safeParse(value)
}

/** `schema.parse(value)`: the reader's answer when it is sure, else the schema's (or its error). */
export const readOrThrow = async <T>(reading: SchemaReading<T>, value: unknown): Promise<T> => {
  const answer = reading.read(value)
  if (answer !== NOT_SURE) return answer as T
  return (await reading.schema()).parse(value)
}

import type * as z from '../zod-mini.js'

/**
 * `validatePayload` with a schema that is not part of the cold start: the schema's module and
 * zod load with the first payload that needs them, once, and every later call reuses them. A
 * load that failed is tried again by the next call.
 */
export const validateOnFirstUse = <T>(
  loadSchema: () => Promise<z.core.$ZodType<T>>,
  what: string,
): ((value: unknown) => Promise<T>) => {
  let validator: Promise<(value: unknown) => T> | undefined
  const load = () =>
    Promise.all([loadSchema(), import('./validate-payload.js')]).then(
      ([schema, { validatePayload }]) =>
        (value: unknown) =>
          validatePayload(schema, value, what),
      (error: unknown) => {
        validator = undefined
        throw error
      },
    )
  return async (value) => {
    validator ??= load()
    return (await validator)(value)
  }
}

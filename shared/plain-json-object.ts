/**
 * An object as `JSON.parse` makes it, which a direct reader may answer for its schema: a plain
 * object with no own `__proto__` key (a schema copies keys by assignment, so that one is left to
 * the schema to read).
 */
export const isPlainJsonObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' &&
  value !== null &&
  Object.getPrototypeOf(value) === Object.prototype &&
  !Object.hasOwn(value, '__proto__')

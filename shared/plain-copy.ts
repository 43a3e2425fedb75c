// Copies of plain data (what JSON.parse and zod produce: objects, arrays and primitives) for the
// memory adapters, which must not share what they hold with their callers. Walking the data is
// several times cheaper than `structuredClone` on an envelope or a correlation record (measured
// in BENCHMARKS.md), and a frozen copy can then be handed out as it is, with no copy per read.

const deeplyFrozen = new WeakSet<object>()

const copyObject = (value: object, freeze: boolean): object => {
  const prototype = Object.getPrototypeOf(value)
  // A Date, a Map, a class instance: not plain data, copied as before.
  if (prototype !== Object.prototype && prototype !== null) {
    const copy = structuredClone(value)
    return freeze ? frozen(copy) : copy
  }
  const copy: Record<string, unknown> = {}
  for (const key of Object.keys(value)) {
    const item = copyValue((value as Record<string, unknown>)[key], freeze)
    // An own `__proto__` key (JSON.parse makes one) stays a key, never the copy's prototype.
    if (key === '__proto__') {
      Object.defineProperty(copy, key, { value: item, enumerable: true, writable: true })
    } else {
      copy[key] = item
    }
  }
  return freeze ? Object.freeze(copy) : copy
}

const copyValue = (value: unknown, freeze: boolean): unknown => {
  if (typeof value !== 'object' || value === null) return value
  if (Array.isArray(value)) {
    const copy = value.map((item) => copyValue(item, freeze))
    return freeze ? Object.freeze(copy) : copy
  }
  return copyObject(value, freeze)
}

/** Freezes `value` and everything in it, in place. */
const frozen = <T>(value: T): T => {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value
  for (const key of Object.keys(value)) frozen((value as Record<string, unknown>)[key])
  return Object.freeze(value)
}

/** A deep copy of `value` that shares nothing with it. */
export const copyPlain = <T>(value: T): T => copyValue(value, false) as T

/**
 * A deep copy of `value` frozen throughout, safe to hand out to any number of readers: a change
 * throws instead of reaching the copy. A value that already came from here is answered as is.
 */
export const frozenCopy = <T>(value: T): T => {
  if (typeof value === 'object' && value !== null && deeplyFrozen.has(value)) return value
  const copy = copyValue(value, true)
  if (typeof copy === 'object' && copy !== null) deeplyFrozen.add(copy)
  return copy as T
}

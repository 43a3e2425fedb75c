// Copies of plain data (what JSON.parse and zod produce: objects, arrays and primitives) for the
// memory adapters, which must not share what they hold with their callers. Walking the data is
// several times cheaper than `structuredClone` on an envelope or a correlation record (measured
// in BENCHMARKS.md), and a frozen value can then be handed out as it is, with no copy per read.

/** Marks a value frozen throughout by `freezeInPlace` (a WeakSet would weigh on every GC). */
const DEEPLY_FROZEN = Symbol('deeply frozen')
/** Marks a value its creator handed over whole (`handOver`), to be frozen when first shared. */
const HANDED_OVER = Symbol('handed over')

const copyObject = (value: object): object => {
  const prototype = Object.getPrototypeOf(value)
  // A Date, a Map, a class instance: not plain data, copied as before.
  if (prototype !== Object.prototype && prototype !== null) return structuredClone(value)
  const copy: Record<string, unknown> = {}
  for (const key of Object.keys(value)) {
    const item = copyValue((value as Record<string, unknown>)[key])
    // An own `__proto__` key (JSON.parse makes one) stays a key, never the copy's prototype.
    if (key === '__proto__') {
      Object.defineProperty(copy, key, { value: item, enumerable: true, writable: true })
    } else {
      copy[key] = item
    }
  }
  return copy
}

const copyValue = (value: unknown): unknown => {
  if (typeof value !== 'object' || value === null) return value
  return Array.isArray(value) ? value.map(copyValue) : copyObject(value)
}

const freezeAll = (value: unknown): void => {
  if (typeof value !== 'object' || value === null) return
  for (const key of Object.keys(value)) freezeAll((value as Record<string, unknown>)[key])
  Object.freeze(value)
}

const isDeeplyFrozen = (value: unknown): boolean =>
  typeof value === 'object' && value !== null && Object.hasOwn(value, DEEPLY_FROZEN)

/** A deep copy of `value` that shares nothing with it. */
export const copyPlain = <T>(value: T): T => copyValue(value) as T

/**
 * Freezes `value` and everything in it, in place, for a creator that hands it over and will not
 * change it (ingest's new envelopes): `frozenCopy` then answers it as it is, with no copy.
 */
export const freezeInPlace = <T>(value: T): T => {
  if (typeof value !== 'object' || value === null || isDeeplyFrozen(value)) return value
  for (const key of Object.keys(value)) freezeAll((value as Record<string, unknown>)[key])
  if (Object.isExtensible(value)) Object.defineProperty(value, DEEPLY_FROZEN, { value: true })
  Object.freeze(value)
  return value
}

const isHandedOver = (value: unknown): boolean =>
  typeof value === 'object' && value !== null && Object.hasOwn(value, HANDED_OVER)

/**
 * Marks `value` as handed over by a creator that will not change it (ingest's new envelopes):
 * `heldCopy` then keeps it as it is, and `frozenCopy` freezes it in place, with no copy. The walk
 * that freezes it is paid when it is first read, so not at all for a value nobody reads.
 */
export const handOver = <T extends object>(value: T): T => {
  if (Object.isExtensible(value)) Object.defineProperty(value, HANDED_OVER, { value: true })
  return value
}

/**
 * A deep copy of `value` frozen throughout, safe to hand out to any number of readers: a change
 * throws instead of reaching the copy. A value already frozen by `freezeInPlace` (or made here)
 * is answered as it is, and a handed-over one frozen in place.
 */
export const frozenCopy = <T>(value: T): T =>
  isDeeplyFrozen(value) || isHandedOver(value)
    ? freezeInPlace(value)
    : freezeInPlace(copyPlain(value))

/**
 * What a holder keeps of `value` so that no later change by its caller reaches it: a handed-over
 * value as it is (to be frozen by `frozenCopy` when read), anything else as a frozen copy.
 */
export const heldCopy = <T>(value: T): T => (isHandedOver(value) ? value : frozenCopy(value))

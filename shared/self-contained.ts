/** Functions marked as needing nothing but their arguments: their source text is the function. */
const marked = new WeakSet<object>()

/**
 * Marks a schema's transform as self-contained (no closure, no import, no `this`, nothing read but
 * its one argument), so that the readers compiled from the schemas (infra/schema-readers.ts) may
 * copy its source text. One that takes a second argument (the payload, to add an issue) is left
 * to its schema.
 */
export const selfContained = <F extends (...args: never[]) => unknown>(fn: F): F => {
  marked.add(fn)
  return fn
}

/** Whether `fn` was marked {@link selfContained}. */
export const isSelfContained = (fn: unknown): boolean => typeof fn === 'function' && marked.has(fn)

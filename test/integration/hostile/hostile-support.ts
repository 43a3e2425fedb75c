import fc from 'fast-check'

/**
 * A JSON value kept as a tree of entries, so that keys such as `__proto__` stay plain keys: an
 * object literal would turn `__proto__` into a prototype instead of a property.
 */
export type JsonTree =
  | { kind: 'leaf'; value: string | number | boolean | null }
  | { kind: 'array'; items: JsonTree[] }
  | { kind: 'object'; entries: [string, JsonTree][] }

/** The keys prototype-pollution attacks use, and a few the runtime reads. */
export const POLLUTING_KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  'polluted',
  'toString',
  'valueOf',
  'hasOwnProperty',
  '__defineGetter__',
] as const

const key = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...POLLUTING_KEYS) },
  { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
)

export const jsonTree = (maxDepth = 4): fc.Arbitrary<JsonTree> =>
  fc.letrec<{ tree: JsonTree }>((tie) => ({
    tree: fc.oneof(
      { depthSize: 'small', maxDepth },
      fc
        .oneof(
          fc.string({ maxLength: 16 }),
          fc.double({ noNaN: true, noDefaultInfinity: true }),
          fc.boolean(),
          fc.constant(null),
        )
        .map((value): JsonTree => ({ kind: 'leaf', value })),
      fc.array(tie('tree'), { maxLength: 3 }).map((items): JsonTree => ({ kind: 'array', items })),
      fc
        .array(fc.tuple(key, tie('tree')), { maxLength: 4 })
        .map((entries): JsonTree => ({ kind: 'object', entries })),
    ),
  })).tree

/** JSON text of a tree, keys written as given (duplicates included, as an attacker may). */
export const jsonText = (tree: JsonTree): string => {
  switch (tree.kind) {
    case 'leaf':
      return JSON.stringify(tree.value)
    case 'array':
      return `[${tree.items.map(jsonText).join(',')}]`
    case 'object':
      return `{${tree.entries.map(([k, v]) => `${JSON.stringify(k)}:${jsonText(v)}`).join(',')}}`
  }
}

/** Offsets just inside each object of a JSON text (a `{` followed by a key, not one in a string). */
export const objectOpenings = (text: string): number[] =>
  [...text.matchAll(/\{(?=\s*")/g)].map((match) => (match.index ?? 0) + 1)

/** Inserts `"key":value,` just inside the object opened at `offset`. */
export const insertEntry = (text: string, offset: number, entry: [string, JsonTree]): string =>
  `${text.slice(0, offset)}${JSON.stringify(entry[0])}:${jsonText(entry[1])},${text.slice(offset)}`

/** What Object.prototype and Array.prototype hold, to compare before and after a run. */
export const prototypeSnapshot = () => ({
  object: Object.getOwnPropertyNames(Object.prototype).sort(),
  array: Object.getOwnPropertyNames(Array.prototype).sort(),
  function: Object.getOwnPropertyNames(Function.prototype).sort(),
  polluted: ({} as Record<string, unknown>).polluted,
})

/**
 * Collects unhandled rejections and uncaught exceptions while a suite runs, so a test can assert
 * there were none (vitest would also report them, but only after the fact and without the input).
 */
export const watchProcessFailures = () => {
  const failures: unknown[] = []
  const onFailure = (reason: unknown) => {
    failures.push(reason)
  }
  return {
    failures,
    start() {
      process.on('unhandledRejection', onFailure)
      process.on('uncaughtException', onFailure)
    },
    stop() {
      process.off('unhandledRejection', onFailure)
      process.off('uncaughtException', onFailure)
    },
  }
}

/** Header names HTTP accepts (RFC 9110 token characters). */
export const headerName = fc.stringMatching(/^[a-z0-9!#$%&'*+.^_`|~-]{1,24}$/)

/** Header values HTTP accepts: visible ASCII and spaces, no CR/LF/NUL. */
export const headerValue = fc
  .string({ maxLength: 64 })
  .map((text) => text.replace(/[^\x20-\x7e]/g, '').trim())

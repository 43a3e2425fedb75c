import { transformSync } from 'esbuild'
import { isSelfContained } from '../shared/self-contained.js'

// Readers compiled from zod schemas: plain functions that answer what `schema.safeParse(value)`
// would answer for the values a function reads every time (well-formed queue messages, state
// records, Halo's answers), without zod. A reader is sure or it says so: it returns the schema's
// output only when it is certain the schema would accept the value and answer exactly that, and
// `NOT_SURE` for anything else (a wrong type, an unusual shape, a check it does not know), which
// the schema then answers, naming what is wrong. So deliver does not load zod at its cold start.
// `npm run readers` writes shared/schema-readers.generated.ts; a test holds the file to this
// compiler and each reader's answers to its schema's.

/** The part of a zod schema instance the compiler reads (zod's own, documented-internal `_zod`). */
type Schema = {
  _zod: { def: Def; optin?: 'optional' | 'defaulted'; optout?: 'optional' }
}

type Def = {
  type: string
  checks?: readonly { _zod: { def: CheckDef } }[]
  coerce?: boolean
  [key: string]: unknown
}

type CheckDef = { check: string; [key: string]: unknown }

const literal = (value: unknown): string | undefined => {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') {
    return JSON.stringify(value)
  }
  if (typeof value === 'number' && Number.isFinite(value) && !Object.is(value, -0)) {
    return String(value)
  }
  return undefined
}

/** A JSON value as an expression that makes a fresh copy each time it runs, or undefined. */
const freshLiteral = (value: unknown): string | undefined => {
  const primitive = literal(value)
  if (primitive !== undefined) return primitive
  if (Array.isArray(value)) {
    const items = value.map(freshLiteral)
    return items.every((item) => item !== undefined) ? `[${items.join(', ')}]` : undefined
  }
  if (
    typeof value === 'object' &&
    value !== null &&
    Object.getPrototypeOf(value) === Object.prototype
  ) {
    const entries = Object.entries(value).map(([key, item]) => [key, freshLiteral(item)] as const)
    if (entries.some(([key, item]) => item === undefined || key === '__proto__')) return undefined
    return `{ ${entries.map(([key, item]) => `${JSON.stringify(key)}: ${item}`).join(', ')} }`
  }
  return undefined
}

/**
 * A self-contained function's source, minified: the same text whatever transpiled the schema's
 * module (tsx for `npm run readers`, Vitest for the test that holds the file to this compiler).
 */
const sourceOf = (fn: (value: unknown) => unknown): string =>
  transformSync(`const f=${fn.toString()}`, { loader: 'js', minify: true })
    .code.trim()
    .replace(/^const f=/, '')
    .replace(/;$/, '')

/** An enum's values as zod takes them: a numeric TypeScript enum without its reverse mapping. */
const enumValues = (entries: Record<string, unknown>): unknown[] => {
  const numeric = Object.values(entries).filter((value) => typeof value === 'number')
  return Object.entries(entries)
    .filter(([key]) => !numeric.includes(Number(key)))
    .map(([, value]) => value)
}

const regexLiteral = (pattern: unknown): string | undefined =>
  pattern instanceof RegExp && !pattern.global && !pattern.sticky ? String(pattern) : undefined

/**
 * Conditions under which a string or number check passes, as an expression over `v`; undefined
 * for a check the compiler does not know (the reader is then never sure of that node).
 */
const checkCondition = (check: CheckDef): string | undefined => {
  const { check: kind } = check
  // zod counts a string's length in code points: a code point is one or two UTF-16 units, so a
  // string of at least twice the floor in units clears it, and one within the ceiling in units
  // is within it in code points; in between, the code points are counted.
  if (kind === 'min_length' && typeof check.minimum === 'number') {
    const { minimum } = check
    return minimum <= 1
      ? `v.length >= ${minimum}`
      : `(v.length >= ${minimum * 2} || codePoints(v) >= ${minimum})`
  }
  if (kind === 'max_length' && typeof check.maximum === 'number') {
    return `v.length <= ${check.maximum}`
  }
  if (kind === 'length_equals' && typeof check.length === 'number') {
    return `codePoints(v) === ${check.length}`
  }
  if (kind === 'string_format' && (check.format === 'regex' || check.format === 'datetime')) {
    const pattern = regexLiteral(check.pattern)
    return pattern && `${pattern}.test(v)`
  }
  if (kind === 'greater_than' && typeof check.value === 'number') {
    return `v ${check.inclusive ? '>=' : '>'} ${literal(check.value)}`
  }
  if (kind === 'less_than' && typeof check.value === 'number') {
    return `v ${check.inclusive ? '<=' : '<'} ${literal(check.value)}`
  }
  if (kind === 'number_format' && check.format === 'safeint') return 'Number.isSafeInteger(v)'
  return undefined
}

/** The conditions of a node's checks, or undefined when one of them is unknown. */
const checksCondition = (def: Def, own: readonly string[] = []): string[] | undefined => {
  const conditions = [...own]
  for (const check of def.checks ?? []) {
    const condition = checkCondition(check._zod.def)
    if (condition === undefined) return undefined
    conditions.push(condition)
  }
  return conditions
}

/** Compiles schemas into one module of readers; see the header of this file. */
export const compileReaders = (schemas: Readonly<Record<string, unknown>>): string => {
  const names = new Map<Schema, string>()
  const byText = new Map<string, string>()
  const definitions: string[] = []
  const compiling = new Set<Schema>()

  /** The name of the reader of `schema`, compiled on first sight; one per distinct reader. */
  const readerOf = (schema: Schema): string => {
    const known = names.get(schema)
    if (known) return known
    if (compiling.has(schema)) throw new Error('a recursive schema: its reader is not compiled')
    compiling.add(schema)
    const text = expressionOf(schema)
    compiling.delete(schema)
    // A lazy, a catch or a reader that is never sure: the reader it stands for, under its name.
    if (/^(r\d+|never|same)$/.test(text)) {
      names.set(schema, text)
      return text
    }
    let name = byText.get(text)
    if (!name) {
      name = `r${byText.size}`
      byText.set(text, name)
      definitions.push(`const ${name}: Read = ${text}`)
    }
    names.set(schema, name)
    return name
  }

  const never = 'never'
  const leaf = (conditions: readonly string[]) =>
    `(v) => (${conditions.join(' && ')} ? v : NOT_SURE)`

  const expressionOf = (schema: Schema): string => {
    const def = schema._zod.def
    // A coerced string, number or boolean is read only as a value of its own type, which coercion
    // leaves as it is (\`String\`, \`Number\`, \`Boolean\` of one); anything else is the schema's.
    const unchecked = !def.checks?.length
    switch (def.type) {
      case 'string': {
        const own = ["typeof v === 'string'"]
        if (def.format !== undefined) {
          const pattern = regexLiteral(def.pattern)
          if (def.format !== 'datetime' || !pattern) return never
          own.push(`${pattern}.test(v)`)
        }
        const conditions = checksCondition(def, own)
        return conditions ? leaf(conditions) : never
      }
      case 'number': {
        const own = ["typeof v === 'number'", 'Number.isFinite(v)']
        if (def.format !== undefined) {
          if (def.format !== 'safeint') return never
          own.push('Number.isSafeInteger(v)')
        }
        const conditions = checksCondition(def, own)
        return conditions ? leaf(conditions) : never
      }
      case 'boolean':
        return unchecked ? leaf(["typeof v === 'boolean'"]) : never
      case 'unknown':
      case 'any':
        return unchecked ? 'same' : never
      case 'literal':
      case 'enum': {
        const values =
          def.type === 'literal'
            ? (def.values as unknown[])
            : enumValues(def.entries as Record<string, unknown>)
        const written = values.map(literal)
        if (!unchecked || written.some((value) => value === undefined)) return never
        return leaf([`(${written.map((value) => `v === ${value}`).join(' || ')})`])
      }
      case 'optional': {
        const inner = def.innerType as Schema
        return unchecked && inner._zod.optin !== 'defaulted'
          ? `optional(${readerOf(inner)})`
          : never
      }
      case 'nullable':
        return unchecked ? `nullable(${readerOf(def.innerType as Schema)})` : never
      case 'default': {
        const fresh = freshLiteral(def.defaultValue)
        if (!unchecked || fresh === undefined) return never
        return `withDefault(${readerOf(def.innerType as Schema)}, () => (${fresh}))`
      }
      case 'catch':
        // The inner schema's answer when it accepts; its fallback value is the schema's to give.
        return unchecked ? readerOf(def.innerType as Schema) : never
      case 'lazy':
        return unchecked ? readerOf((def.getter as () => Schema)()) : never
      case 'pipe': {
        const input = def.in as Schema
        const output = def.out as Schema
        const inDef = input._zod.def
        if (!unchecked) return never
        if (inDef.type === 'transform') {
          const transform = inDef.transform as (value: unknown) => unknown
          // One argument: a transform that reads the payload (to add an issue) is the schema's.
          if (inDef.checks?.length || !isSelfContained(transform) || transform.length > 1) {
            return never
          }
          return `pipe(${sourceOf(transform)}, ${readerOf(output)})`
        }
        return `pipe(${readerOf(input)}, ${readerOf(output)})`
      }
      case 'array': {
        let min = 0
        let max = Number.POSITIVE_INFINITY
        for (const check of def.checks ?? []) {
          const { check: kind, minimum, maximum } = check._zod.def
          if (kind === 'min_length' && typeof minimum === 'number') min = Math.max(min, minimum)
          else if (kind === 'max_length' && typeof maximum === 'number')
            max = Math.min(max, maximum)
          else return never
        }
        const bounds =
          max === Number.POSITIVE_INFINITY ? (min ? `, ${min}` : '') : `, ${min}, ${max}`
        return `array(${readerOf(def.element as Schema)}${bounds})`
      }
      case 'record': {
        const key = def.keyType as Schema
        const keyDef = key._zod.def
        // A plain string key with nothing to check: every own key is kept as it is.
        if (!unchecked || keyDef.type !== 'string' || keyDef.checks?.length) return never
        if (keyDef.format !== undefined || keyDef.coerce) return never
        return `record(${readerOf(def.valueType as Schema)})`
      }
      case 'object':
        return unchecked ? objectExpression(def) : never
      case 'union':
        return unchecked && !def.unionFallback ? unionExpression(def) : never
      default:
        return never
    }
  }

  /**
   * zod's object: the shape's keys in order, each kept by the rules of zod's `handlePropertyResult`
   * for its field's `optin`/`optout` (see `object` in the prelude); no catchall strips the others,
   * `never` refuses them, any other reads each.
   */
  const objectExpression = (def: Def): string => {
    const shape = def.shape as Record<string, Schema>
    const keys = Object.keys(shape)
    if (keys.includes('__proto__') || Object.getOwnPropertySymbols(shape).length) return never
    const fields = keys.map((key) => {
      const field = shape[key] as Schema
      const { optin, optout } = field._zod
      const mode =
        optin === undefined
          ? 0
          : optin === 'optional' && optout === 'optional'
            ? 1
            : optin === 'defaulted' && optout !== 'optional'
              ? 3
              : 2
      return `[${JSON.stringify(key)}, ${readerOf(field)}, ${mode}]`
    })
    const catchall = def.catchall as Schema | undefined
    let rest = 'undefined'
    if (catchall) {
      if (catchall._zod.def.type === 'never') rest = 'null'
      else if (catchall._zod.optin !== undefined || catchall._zod.optout !== undefined) return never
      else rest = readerOf(catchall)
    }
    return `object([${fields.join(', ')}], ${rest})`
  }

  /**
   * A discriminated union picks its option by the discriminator's value, as zod does; a plain
   * union is sure only of what its first option is sure of, which zod would take first too.
   */
  const unionExpression = (def: Def): string => {
    const options = def.options as Schema[]
    const discriminator = def.discriminator
    if (typeof discriminator !== 'string') {
      // An exclusive union (`z.xor`) refuses a value two options accept: only the schema knows.
      if (def.inclusive === false) return never
      const first = options[0]
      return first ? readerOf(first) : never
    }
    const seen = new Set<string>()
    const cases: string[] = []
    for (const option of options) {
      const values = (option._zod as { propValues?: Record<string, Set<unknown>> }).propValues?.[
        discriminator
      ]
      const written = [...(values ?? [])].map(literal)
      if (!values || written.some((value) => value === undefined)) return never
      // A value two options share is no option's in zod's map: the schema answers it.
      if (written.some((value) => seen.has(value as string))) return never
      for (const value of written) seen.add(value as string)
      cases.push(`[[${written.join(', ')}], ${readerOf(option)}]`)
    }
    return `tagged(${JSON.stringify(discriminator)}, [${cases.join(', ')}])`
  }

  const exports = Object.entries(schemas).map(
    ([name, schema]) => `export const read${name}: Read = ${readerOf(schema as Schema)}`,
  )
  return [PRELUDE, ...definitions, '', ...exports, ''].join('\n')
}

/** The generated module's own part: the sentinel and the combinators the readers are made of. */
const PRELUDE = `// Generated by \`npm run readers\` (infra/schema-readers.ts) from the schemas that
// infra/reader-schemas.ts names: each reader answers as its schema does, or NOT_SURE. Do not edit.

export const NOT_SURE: unique symbol = Symbol('not sure')
type Read = (v: any) => any

const never: Read = () => NOT_SURE
const same: Read = (v) => v

/**
 * An object as JSON makes objects: the object prototype, and no \`__proto__\` key of its own
 * (which zod skips). Symbol keys are not read by an object's schema.
 */
const isJsonObject = (v: any): boolean =>
  typeof v === 'object' && v !== null && Object.getPrototypeOf(v) === Object.prototype &&
  !Object.hasOwn(v, '__proto__')
/**
 * A JSON object zod reads as a record (\`isPlainObject\`, which reads \`constructor\` once), with no
 * enumerable symbol key (a record's schema reads those).
 */
const isPlainRecord = (v: any): boolean => {
  if (!isJsonObject(v)) return false
  const made = v.constructor
  return (typeof made !== 'function' || made === Object) &&
    !Object.getOwnPropertySymbols(v).some((key) => Object.prototype.propertyIsEnumerable.call(v, key))
}
/** A string's length in code points, as zod counts it. */
const codePoints = (v: string): number => {
  let count = v.length
  for (let index = 0; index < v.length - 1; index++) {
    if ((v.charCodeAt(index) & 0xfc00) === 0xd800 && (v.charCodeAt(index + 1) & 0xfc00) === 0xdc00) {
      count--
      index++
    }
  }
  return count
}

const optional = (read: Read): Read => (v) => (v === undefined ? undefined : read(v))
const nullable = (read: Read): Read => (v) => (v === null ? null : read(v))
const withDefault = (read: Read, make: () => unknown): Read => (v) => {
  if (v === undefined) return make()
  const out = read(v)
  return out === undefined ? make() : out
}
const pipe = (first: Read, then: Read): Read => (v) => {
  const between = first(v)
  return between === NOT_SURE ? NOT_SURE : then(between)
}
const array = (read: Read, min = 0, max = Number.POSITIVE_INFINITY): Read => (v) => {
  if (!Array.isArray(v) || v.length < min || v.length > max) return NOT_SURE
  const out = new Array(v.length)
  for (let index = 0; index < v.length; index++) {
    const item = read(v[index])
    if (item === NOT_SURE) return NOT_SURE
    out[index] = item
  }
  return out
}
const record = (read: Read): Read => (v) => {
  if (!isPlainRecord(v)) return NOT_SURE
  const out: Record<string, unknown> = {}
  for (const key of Object.keys(v)) {
    const item = read(v[key])
    if (item === NOT_SURE) return NOT_SURE
    out[key] = item
  }
  return out
}
/**
 * Modes, from the field's optin/optout: 0 required; 1 optional (an absent key is left out);
 * 2 read when absent, kept when present or not undefined; 3 defaulted, always kept.
 */
const object = (fields: readonly (readonly [string, Read, 0 | 1 | 2 | 3])[], rest: Read | null | undefined): Read => {
  const keys = new Set(fields.map(([key]) => key))
  return (v) => {
    if (!isJsonObject(v)) return NOT_SURE
    const out: Record<string, unknown> = {}
    for (const [key, read, mode] of fields) {
      const present = key in v
      if (!present && mode < 2) {
        if (mode === 0) return NOT_SURE
        continue
      }
      const value = read(v[key])
      if (value === NOT_SURE) return NOT_SURE
      if (value !== undefined || present || mode === 3) out[key] = value
    }
    if (rest === undefined) return out
    for (const key in v) {
      if (keys.has(key)) continue
      if (rest === null) return NOT_SURE
      const item = rest(v[key])
      if (item === NOT_SURE) return NOT_SURE
      out[key] = item
    }
    return out
  }
}
const tagged = (key: string, cases: readonly (readonly [readonly unknown[], Read])[]): Read => (v) => {
  if (!isJsonObject(v)) return NOT_SURE
  const tag = v[key]
  for (const [values, read] of cases) if (values.includes(tag)) return read(v)
  return NOT_SURE
}
`

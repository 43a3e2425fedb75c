import type * as z from 'zod'

type Issue = z.core.$ZodIssue
type AnySchema = z.core.$ZodType
type Def = {
  type: string
  shape?: Record<string, AnySchema>
  innerType?: AnySchema
  in?: AnySchema
  valueType?: AnySchema
  element?: AnySchema
  options?: readonly AnySchema[]
  left?: AnySchema
  right?: AnySchema
  getter?: () => AnySchema
}

const defOf = (schema: AnySchema): Def => schema._zod.def as unknown as Def

/** The object schemas a value at `path` of `schema` may be checked by (several under a union). */
const objectsAt = (schema: AnySchema, path: readonly PropertyKey[], depth = 0): Def[] => {
  if (depth > 64) return []
  const def = defOf(schema)
  const next = (inner: AnySchema | undefined, rest = path) =>
    inner ? objectsAt(inner, rest, depth + 1) : []
  switch (def.type) {
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'catch':
    case 'readonly':
    case 'nonoptional':
      return next(def.innerType)
    case 'pipe':
      return next(def.in)
    case 'lazy':
      return next(def.getter?.())
    case 'union':
      return (def.options ?? []).flatMap((option) => next(option))
    case 'intersection':
      return [...next(def.left), ...next(def.right)]
    case 'object':
      if (path.length === 0) return [def]
      return next(def.shape?.[String(path[0])], path.slice(1))
    case 'record':
      return path.length === 0 ? [] : next(def.valueType, path.slice(1))
    case 'array':
      return path.length === 0 ? [] : next(def.element, path.slice(1))
    default:
      return []
  }
}

/** The keys an object at `path` of `schema` may have. */
export const knownKeysAt = (schema: AnySchema, path: readonly PropertyKey[]): string[] => [
  ...new Set(objectsAt(schema, path).flatMap((def) => Object.keys(def.shape ?? {}))),
]

const distance = (a: string, b: string): number => {
  const row = Array.from({ length: b.length + 1 }, (_, index) => index)
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0] as number
    row[0] = i
    for (let j = 1; j <= b.length; j++) {
      const above = row[j] as number
      row[j] = Math.min(
        above + 1,
        (row[j - 1] as number) + 1,
        diagonal + (a[i - 1] === b[j - 1] ? 0 : 1),
      )
      diagonal = above
    }
  }
  return row[b.length] as number
}

/** The known word closest to a misspelt one, if it is close enough to be what was meant. */
export const closestWord = (word: string, known: readonly string[]): string | undefined => {
  let best: { word: string; cost: number } | undefined
  for (const candidate of known) {
    const cost = distance(word.toLowerCase(), candidate.toLowerCase())
    if (cost <= Math.max(1, Math.floor(candidate.length / 3)) && (!best || cost < best.cost)) {
      best = { word: candidate, cost }
    }
  }
  return best?.word
}

export type DescribeIssuesOptions = {
  /** Path of the validated value inside the whole document, e.g. `['routes', 'x', 'options']`. */
  prefix?: readonly PropertyKey[]
  /** The schema that was applied: an unknown key is then answered with the key it resembles. */
  schema?: AnySchema
  /** What an empty path is called. @default '(root)' */
  root?: string
}

/**
 * Every zod issue as `<key path>: <rule broken>`, the one format of every validation message in
 * the system: record-key issues are flattened, an unknown key gets a "did you mean" from the keys
 * the schema allows at that place. Never includes the value (it may hold secrets or PII).
 */
export const describeIssues = (
  issues: readonly Issue[] | z.core.$ZodError,
  options: DescribeIssuesOptions = {},
): string[] => {
  const list = Array.isArray(issues) ? issues : (issues as z.core.$ZodError).issues
  const { prefix = [], schema, root = '(root)' } = options
  return list.flatMap((issue: Issue): string[] => {
    const path = [...prefix, ...issue.path].map(String).join('.') || root
    if (issue.code === 'invalid_key') {
      return describeIssues(issue.issues, { root, prefix: [...prefix, ...issue.path] }).map(
        (line) => line.replace(/^([^:]*):/, '$1 (key):'),
      )
    }
    if (issue.code === 'unrecognized_keys') {
      const known = schema ? knownKeysAt(schema, issue.path) : []
      return issue.keys.map((key) => {
        const guess = closestWord(key, known)
        return `${path}.${key}: unknown key${guess ? ` (did you mean "${guess}"?)` : ''}`
      })
    }
    return [`${path}: ${issue.message}`]
  })
}

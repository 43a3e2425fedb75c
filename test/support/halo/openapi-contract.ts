import { readFileSync } from 'node:fs'
import type * as z from '../../../shared/zod-mini.js'
import { SUBSET_PATH } from './extract-openapi-subset.js'

// Checks names and types of what we send against Halo's OpenAPI subset. Used by the contract
// test; kept here so the checker itself can be tested with deliberately wrong inputs.

export type OpenApiSchema = {
  type?: string
  format?: string
  nullable?: boolean
  $ref?: string
  items?: OpenApiSchema
  properties?: Record<string, OpenApiSchema>
}
type Parameter = { name: string; in: string; schema?: { type?: string } }
type Operation = { parameters?: Parameter[]; requestBody?: unknown }
type OpenApi = {
  paths: Record<string, Record<string, Operation>>
  components: { schemas: Record<string, OpenApiSchema> }
}

export const loadSubset = (): OpenApi => JSON.parse(readFileSync(SUBSET_PATH, 'utf8')) as OpenApi

/** The kinds we compare: what a zod schema or a JSON value can be. */
export type Kind = 'int' | 'number' | 'string' | 'boolean' | 'array' | 'object' | 'unknown' | 'null'

/** What the contract reads of a zod schema's definition (the same in classic zod and zod/mini). */
type Def = {
  type: string
  format?: string
  innerType?: z.core.$ZodType
  out?: z.core.$ZodType
  element?: z.core.$ZodType
  shape?: Record<string, z.core.$ZodType>
}

const defOf = (schema: z.core.$ZodType) => schema._zod.def as unknown as Def

/** The schema a `z.lazy` stands for (built on first use), or the schema itself. */
export const unlazy = (schema: z.core.$ZodType): z.core.$ZodType =>
  defOf(schema).type === 'lazy' ? (schema as z.core.$ZodLazy)._zod.innerType : schema

/** The field schemas of a zod object schema. */
export const shapeOf = (schema: z.core.$ZodType): Record<string, z.core.$ZodType> =>
  defOf(unlazy(schema)).shape ?? {}

/** The item schema of a zod array schema. */
export const elementOf = (schema: z.core.$ZodType): z.core.$ZodType =>
  defOf(unlazy(schema)).element as z.core.$ZodType

/** Peels optional/nullable wrappers off a zod schema and names its kind. */
export const zodKind = (schema: z.core.$ZodType): { kind: Kind; inner: z.core.$ZodType } => {
  let current = schema
  for (;;) {
    const def = defOf(current)
    if (['optional', 'nullable', 'default', 'readonly', 'catch'].includes(def.type)) {
      current = def.innerType as z.core.$ZodType
    } else if (def.type === 'pipe') {
      // A read-side preprocess (`readInt`): what is read in the end is its output schema.
      current = def.out as z.core.$ZodType
    } else if (def.type === 'lazy') {
      current = unlazy(current)
    } else break
  }
  const { type, format } = defOf(current)
  if (type === 'number') {
    return { kind: format === 'safeint' ? 'int' : 'number', inner: current }
  }
  if (type === 'string' || type === 'boolean' || type === 'array' || type === 'object') {
    return { kind: type, inner: current }
  }
  return { kind: 'unknown', inner: current }
}

/** The kind of a JSON value on the wire. */
export const valueKind = (value: unknown): Kind => {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'array'
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'number'
  if (typeof value === 'string' || typeof value === 'boolean' || typeof value === 'object') {
    return typeof value as Kind
  }
  return 'unknown'
}

/** OpenAPI body types and Halo's query-parameter pseudo-types (`int`, `bool`, `List<int>`). */
const accepted: Record<Kind, (type: string | undefined) => boolean> = {
  int: (t) => t === 'integer' || t === 'int' || t === 'number' || t === 'double' || t === undefined,
  number: (t) => t === 'number' || t === 'double' || t === undefined,
  string: (t) => t === 'string' || t === undefined,
  boolean: (t) => t === 'boolean' || t === 'bool' || t === undefined,
  array: (t) => t === 'array' || t === undefined,
  object: (t) => t === 'object' || t === undefined,
  unknown: (t) => t === undefined,
  null: () => true,
}

export const createContractChecker = (spec: OpenApi = loadSubset()) => {
  const resolve = (schema: OpenApiSchema | undefined): OpenApiSchema | undefined => {
    if (!schema?.$ref) return schema
    return spec.components.schemas[schema.$ref.replace('#/components/schemas/', '')]
  }
  const isObjectSchema = (schema: OpenApiSchema | undefined) =>
    schema !== undefined && (schema.type === 'object' || schema.properties !== undefined)

  const schemaNamed = (name: string): OpenApiSchema => {
    const schema = spec.components.schemas[name]
    if (!schema) throw new Error(`schema ${name} is not in the OpenAPI subset`)
    return schema
  }

  /** Problems with a zod object schema we send as `target`; empty when every field fits. */
  const checkZodBody = (
    shape: Record<string, z.core.$ZodType>,
    target: OpenApiSchema,
    at = '',
  ): string[] => {
    const problems: string[] = []
    for (const [field, fieldSchema] of Object.entries(shape)) {
      const property = resolve(target.properties?.[field])
      const path = `${at}${field}`
      if (!property) {
        problems.push(`${path}: no such field in Halo's schema`)
        continue
      }
      const { kind, inner } = zodKind(fieldSchema)
      const type = isObjectSchema(property) ? 'object' : property.type
      if (!accepted[kind](type)) {
        problems.push(`${path}: we send ${kind}, Halo expects ${type}`)
        continue
      }
      if (kind === 'array') {
        const element = zodKind(elementOf(inner))
        const items = resolve(property.items)
        if (element.kind === 'object' && items) {
          problems.push(...checkZodBody(shapeOf(element.inner), items, `${path}[].`))
        }
      }
      if (kind === 'object') {
        problems.push(...checkZodBody(shapeOf(inner), property, `${path}.`))
      }
    }
    return problems
  }

  /** Problems with one JSON body item we actually sent. */
  const checkValue = (item: Record<string, unknown>, target: OpenApiSchema, at = ''): string[] => {
    const problems: string[] = []
    for (const [field, value] of Object.entries(item)) {
      const property = resolve(target.properties?.[field])
      const path = `${at}${field}`
      if (!property) {
        problems.push(`${path}: no such field in Halo's schema`)
        continue
      }
      const kind = valueKind(value)
      const type = isObjectSchema(property) ? 'object' : property.type
      if (!accepted[kind](type)) {
        problems.push(`${path}: we send ${kind}, Halo expects ${type}`)
        continue
      }
      if (Array.isArray(value)) {
        const items = resolve(property.items)
        for (const element of value) {
          if (items && valueKind(element) === 'object') {
            problems.push(...checkValue(element as Record<string, unknown>, items, `${path}[].`))
          }
        }
      }
    }
    return problems
  }

  /** Finds the spec path for a request path such as `/api/tickets/12` (case-insensitive). */
  const matchPath = (requestPath: string): string | undefined => {
    const parts = requestPath
      .replace(/^.*?\/api\//i, '/')
      .split('/')
      .filter(Boolean)
    return Object.keys(spec.paths).find((candidate) => {
      const segments = candidate.split('/').filter(Boolean)
      return (
        segments.length === parts.length &&
        segments.every((s, i) => s.startsWith('{') || s.toLowerCase() === parts[i]?.toLowerCase())
      )
    })
  }

  const operation = (path: string, method: string): Operation | undefined =>
    spec.paths[path]?.[method.toLowerCase()]

  /** Problems with query parameter names and kinds for an operation. */
  const checkQuery = (
    path: string,
    method: string,
    params: Record<string, Kind>,
    allowed: Record<string, string> = {},
  ): string[] => {
    const op = operation(path, method)
    if (!op) return [`${method} ${path}: no such operation in Halo's document`]
    const problems: string[] = []
    for (const [name, kind] of Object.entries(params)) {
      if (allowed[name]) continue
      const declared = op.parameters?.find((p) => p.name === name && p.in === 'query')
      if (!declared) problems.push(`${method} ${path} ?${name}: no such query parameter`)
      else if (!accepted[kind](declared.schema?.type)) {
        problems.push(
          `${method} ${path} ?${name}: we send ${kind}, Halo expects ${declared.schema?.type}`,
        )
      }
    }
    return problems
  }

  return { spec, schemaNamed, resolve, checkZodBody, checkValue, matchPath, operation, checkQuery }
}

/** Kinds of a zod query schema's parameters. */
export const queryKinds = (shape: Record<string, z.core.$ZodType>): Record<string, Kind> =>
  Object.fromEntries(Object.entries(shape).map(([name, schema]) => [name, zodKind(schema).kind]))

/**
 * Names of query parameters as sent. Their kinds are `null` (any): on the wire `12` may be an int
 * or a string, so types are checked on the zod query schemas instead.
 */
export const wireQueryNames = (params: URLSearchParams): Record<string, Kind> =>
  Object.fromEntries([...params.keys()].map((name) => [name, 'null' as const]))

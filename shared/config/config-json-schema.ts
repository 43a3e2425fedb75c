import * as z from 'zod'
import { sources } from '../sources/registry.js'
import { ConfigSchema } from './config-schema.js'

type JsonSchemaNode = {
  properties?: Record<string, JsonSchemaNode>
  additionalProperties?: JsonSchemaNode
  enum?: string[]
}

/** The config's JSON Schema (input side: what a person writes), for editors' completion. */
export const configJsonSchema = () => {
  const schema = z.toJSONSchema(ConfigSchema, {
    io: 'input',
    unrepresentable: 'any',
    target: 'draft-2020-12',
  }) as JsonSchemaNode
  // The source is validated against the registry at load time; offer the same list to editors.
  const source = schema.properties?.routes?.additionalProperties?.properties?.source
  if (source) source.enum = Object.keys(sources).sort()
  return schema
}

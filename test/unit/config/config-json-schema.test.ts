import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { configJsonSchema } from '../../../shared/config/config-json-schema.js'
import { sources } from '../../../shared/sources/registry.js'

describe('halo-hooks.schema.json', () => {
  const committed = JSON.parse(
    readFileSync(new URL('../../../halo-hooks.schema.json', import.meta.url), 'utf8'),
  )

  it('is what `npm run schema` generates from the config schema today', () => {
    expect(committed).toEqual(JSON.parse(JSON.stringify(configJsonSchema())))
  })

  it('offers every registered source to editors', () => {
    const source = committed.properties.routes.additionalProperties.properties.source
    expect(source.enum).toEqual(Object.keys(sources).sort())
  })

  it('asks editors for an e-mail or a name in tenant.contact, and nothing else', () => {
    const tenant = committed.properties.routes.additionalProperties.properties.tenant
    expect(tenant.properties.contact).toMatchObject({
      type: 'object',
      properties: { email: expect.any(Object), name: expect.any(Object) },
      additionalProperties: false,
      minProperties: 1,
    })
  })
})

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'

// Issue 15: a function's cold start builds only the schemas every invocation needs. The object
// schemas below are built the first time they parse, so loading their modules builds none of them.

const built = vi.hoisted(() => ({ objects: 0 }))

vi.mock('../../shared/zod-mini.js', async (importOriginal) => {
  const z = await importOriginal<typeof import('../../shared/zod-mini.js')>()
  const counted =
    <A extends unknown[], R>(build: (...args: A) => R) =>
    (...args: A): R => {
      built.objects++
      return build(...args)
    }
  return {
    ...z,
    object: counted(z.object),
    looseObject: counted(z.looseObject),
    strictObject: counted(z.strictObject),
    extend: counted(z.extend),
  }
})

beforeEach(() => {
  vi.resetModules()
  built.objects = 0
})
afterEach(() => vi.resetModules())

describe('schemas built on first use (issue 15)', () => {
  it.each([
    ['the Halo API schemas', '../../shared/halo/schemas.js'],
    ['the Halo query schemas', '../../shared/halo/queries.js'],
    ['the correlation record schemas', '../../shared/lifecycle/correlation-store.js'],
    ['the queue message schemas', '../../shared/envelope-schema.js'],
    ["the Halo sender's payload schemas", '../../shared/sources/halo/schema.js'],
    ["Alertmanager's payload schemas", '../../shared/sources/alertmanager/read-payload.js'],
    ["Grafana's payload schemas", '../../shared/sources/grafana/schema.js'],
    [
      'the route policy schemas, for the days of the week',
      '../../shared/lifecycle/weekly-hours.js',
    ],
  ])('builds none of %s when their module loads', async (_, path) => {
    await import(path)

    expect(built.objects).toBe(0)
  })

  it('builds a Halo schema when it first parses, and only that one, once', async () => {
    const { HaloTicketSchema } = await import('../../shared/halo/schemas.js')

    expect(HaloTicketSchema.parse({ id: '7', summary: null })).toEqual({ id: 7, summary: null })
    const afterFirst = built.objects
    HaloTicketSchema.parse({ id: 8 })

    expect(afterFirst).toBe(1)
    expect(built.objects).toBe(1)
  })

  it('builds the queue message schemas on the first message read', async () => {
    const { EnvelopeSchema } = await import('../../shared/envelope-schema.js')

    const result = EnvelopeSchema.safeParse({ v: 3 })

    expect(result.success).toBe(false)
    expect(built.objects).toBeGreaterThan(0)
  })
})

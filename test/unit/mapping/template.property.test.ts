import fc from 'fast-check'
import jsonata from 'jsonata'
import { describe, expect, it } from 'vitest'
import { compileTemplate, type TemplateIssue } from '../../../shared/mapping/template.js'

const KEYS = ['a', 'b', 'id', 'labels', 'in'] as const

/** JSON values whose objects use a few keys, so random paths often lead somewhere. */
const { value: json } = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.string(),
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom(...KEYS), tie('value'), { maxKeys: 4 }),
  ),
}))

const path = fc
  .array(fc.constantFrom(...KEYS), { minLength: 1, maxLength: 4 })
  .map((steps) => steps.join('.'))

const asText = (value: unknown) =>
  value === undefined || value === null
    ? ''
    : typeof value === 'string'
      ? value
      : typeof value === 'number' || typeof value === 'boolean'
        ? String(value)
        : JSON.stringify(value)

/** What JSONata itself answers, as a template renders it (plain JSON). */
const jsonataAnswer = async (expression: string, context: object) => {
  const value = await jsonata(expression).evaluate(context)
  return value === undefined ? undefined : JSON.parse(JSON.stringify(value))
}

describe('plain-path templates', () => {
  it('answer exactly what JSONata answers, for any context and path', async () => {
    await fc.assert(
      fc.asyncProperty(json, path, async (payload, expression) => {
        const context = { payload }
        const issues: TemplateIssue[] = []
        const whole = compileTemplate(`{% payload.${expression} %}`, 't', issues, jsonata)
        const embedded = compileTemplate(`x {% payload.${expression} %} y`, 't', issues, jsonata)
        expect(issues).toEqual([])
        const expected = await jsonataAnswer(`payload.${expression}`, context)
        expect(await whole.render(context)).toEqual(expected)
        // Embedded, the value is interpolated as text, as it always was after JSONata.
        expect(await embedded.render(context)).toBe(`x ${asText(expected)} y`)
      }),
      { numRuns: 300 },
    )
  })
})

import jsonata from 'jsonata'
import { describe, expect, it } from 'vitest'
import { TemplateError } from '../../../shared/errors.js'
import { compileTemplate, type TemplateIssue } from '../../../shared/mapping/template.js'

const render = async (template: unknown, context: object = {}) => {
  const issues: TemplateIssue[] = []
  const compiled = compileTemplate(template, 'ticket', issues, jsonata)
  expect(issues).toEqual([])
  return compiled.render(context)
}

describe('compileTemplate', () => {
  const context = {
    alert: { title: 'Disk full', severity: 'critical', count: 3 },
    payload: { tags: ['a', 'b'] },
  }

  it.each([
    ['plain text passes through', 'no expressions', 'no expressions'],
    ['a whole expression keeps its type', '{% alert.count %}', 3],
    ['a whole expression may be padded', '  {% alert.count + 1 %} ', 4],
    ['interpolation stringifies', 'x{% alert.count %}y', 'x3y'],
    [
      'functions work',
      '[{% $uppercase(alert.severity) %}] {% alert.title %}',
      '[CRITICAL] Disk full',
    ],
    ['a missing path interpolates as empty', 'host: {% alert.nothing %}', 'host: '],
    ['arrays are plain JSON', '{% payload.tags %}', ['a', 'b']],
    ['objects interpolate as JSON', '{% payload %}', { tags: ['a', 'b'] }],
  ])('%s', async (_, template, expected) => {
    expect(await render(template, context)).toEqual(expected)
  })

  it('renders nested objects and arrays, leaving out fields whose expression yields nothing', async () => {
    const result = await render(
      {
        summary: '{% alert.title %}',
        client_id: 12,
        site_id: '{% alert.nothing %}',
        customfields: [{ id: 5, value: '{% alert.count %}' }],
      },
      context,
    )
    expect(result).toEqual({
      summary: 'Disk full',
      client_id: 12,
      customfields: [{ id: 5, value: 3 }],
    })
  })

  it.each([
    ['unclosed expression', 'x {% alert.title', 'unclosed'],
    ['empty expression', '{%  %}', 'empty'],
    ['syntax error', '{% alert.title( %}', 'JSONata'],
  ])('reports a %s with its path instead of throwing', (_, template, message) => {
    const issues: TemplateIssue[] = []
    compileTemplate({ fields: [template] }, 'routes.r.ticket', issues, jsonata)
    expect(issues).toHaveLength(1)
    expect(issues[0]?.path).toBe('routes.r.ticket.fields[0]')
    expect(issues[0]?.message).toContain(message)
  })

  it('throws a TemplateError naming the path when evaluation fails', async () => {
    const issues: TemplateIssue[] = []
    const compiled = compileTemplate({ summary: '{% $number("abc") %}' }, 'ticket', issues, jsonata)
    await expect(compiled.render({})).rejects.toSatisfy(
      (error) => error instanceof TemplateError && error.message.includes('ticket.summary'),
    )
  })

  it('cannot reach the process: JSONata has no access to globals', async () => {
    expect(await render('{% $string(process) %}', {})).toBeUndefined()
  })

  describe('without the JSONata compiler (a bundle whose config was checked at synth)', () => {
    const template = {
      summary: '[{% $uppercase(alert.severity) %}] {% alert.title %}',
      count: '{% alert.count %}',
      tags: '{% payload.tags %}',
      note: 'no expressions',
    }

    it('renders what the checked compile renders, JSONata loaded when first needed', async () => {
      const issues: TemplateIssue[] = []
      const onFirstUse = compileTemplate(template, 'ticket', issues)

      expect(issues).toEqual([])
      expect(await onFirstUse.render(context)).toEqual(await render(template, context))
    })

    it('throws a TemplateError naming the path when an unchecked expression does not compile', async () => {
      const issues: TemplateIssue[] = []
      const compiled = compileTemplate({ summary: '{% alert.( %}' }, 'ticket', issues)

      expect(issues).toEqual([])
      await expect(compiled.render(context)).rejects.toSatisfy(
        (error) => error instanceof TemplateError && error.message.includes('ticket.summary'),
      )
    })
  })
})

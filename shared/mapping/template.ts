import jsonata from 'jsonata'
import { TemplateError } from '../errors.js'

/** A template compiled once at start-up; rendering is pure apart from JSONata's own evaluation. */
export type CompiledTemplate = {
  /** Renders against `context`; `undefined` means "leave this field out". */
  render(context: object): Promise<unknown>
}

/** A template that did not compile: where it is and what JSONata said. */
export type TemplateIssue = { path: string; message: string }

const EXPRESSION = /\{%([\s\S]*?)%\}/g
const WHOLE_EXPRESSION = /^\s*\{%([\s\S]*?)%\}\s*$/

/** What a `{% %}` compiles to: JSONata, or direct property access for a plain path. */
type Evaluator = { evaluate(context: object): unknown }

type Part = string | Evaluator

// `payload.labels.instance`: names JSONata reads as plain field steps (no `$`, no operators).
const PLAIN_PATH = /^\s*([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)\s*$/
const JSONATA_WORDS = new Set(['and', 'or', 'in', 'true', 'false', 'null', 'function'])
const MISSING = Symbol('missing')

/**
 * A plain path read by property access, where that is certainly what JSONata would answer: only
 * objects along the way and a string, number, boolean or missing value at the end. Anything else
 * (an array on the way, which JSONata maps over; an object or array at the end) is JSONata's to
 * decide, so the answer never differs.
 */
const plainPathEvaluator = (steps: string[], fallback: jsonata.Expression): Evaluator => ({
  evaluate(context) {
    let value: unknown = context
    for (const step of steps) {
      if (value === undefined || value === null) return undefined
      if (typeof value !== 'object' || Array.isArray(value)) return fallback.evaluate(context)
      value = Object.hasOwn(value, step) ? (value as Record<string, unknown>)[step] : MISSING
      if (value === MISSING) return undefined
    }
    const plain = ['string', 'number', 'boolean'].includes(typeof value) || value === undefined
    return plain && !Number.isNaN(value) ? value : fallback.evaluate(context)
  },
})

const describe = (error: unknown): string => {
  const e = error as { message?: string; position?: number; token?: string }
  const at = e.position === undefined ? '' : ` at character ${e.position}`
  return `${e.message ?? String(error)}${at}`
}

const compileExpression = (
  source: string,
  path: string,
  issues: TemplateIssue[],
): Evaluator | undefined => {
  if (source.trim() === '') {
    issues.push({ path, message: 'empty {% %} expression' })
    return undefined
  }
  let expression: jsonata.Expression
  try {
    expression = jsonata(source)
  } catch (error) {
    issues.push({ path, message: `JSONata: ${describe(error)}` })
    return undefined
  }
  const steps = PLAIN_PATH.exec(source)?.[1]?.split('.')
  const plain = steps && !steps.some((step) => JSONATA_WORDS.has(step))
  return plain ? plainPathEvaluator(steps, expression) : expression
}

const evaluate = async (expression: Evaluator, context: object, path: string) => {
  try {
    return await expression.evaluate(context)
  } catch (error) {
    throw new TemplateError(`template ${path} failed: ${describe(error)}`, { cause: error })
  }
}

const stringify = (value: unknown): string => {
  if (value === undefined || value === null) return ''
  if (typeof value === 'string') return value
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  return JSON.stringify(value)
}

const compileString = (text: string, path: string, issues: TemplateIssue[]): CompiledTemplate => {
  const whole = WHOLE_EXPRESSION.exec(text)
  // A string that is one expression keeps the expression's type (a number stays a number).
  if (whole && !whole[1]?.includes('%}')) {
    const expression = compileExpression(whole[1] ?? '', path, issues)
    return {
      render: async (context) => {
        if (!expression) return undefined
        const value = await evaluate(expression, context, path)
        // JSONata returns sequences as arrays with a marker; plain JSON is what Halo wants (in
        // which -0 is 0, as JSON.stringify writes it).
        if (value === null || typeof value !== 'object') return Object.is(value, -0) ? 0 : value
        return JSON.parse(JSON.stringify(value))
      },
    }
  }
  if (!text.includes('{%')) return { render: async () => text }
  const parts: Part[] = []
  let last = 0
  for (const match of text.matchAll(EXPRESSION)) {
    parts.push(text.slice(last, match.index))
    const expression = compileExpression(match[1] ?? '', path, issues)
    if (expression) parts.push(expression)
    last = match.index + match[0].length
  }
  parts.push(text.slice(last))
  if (text.slice(last).includes('{%')) {
    issues.push({ path, message: 'unclosed {% expression (expected %})' })
  }
  return {
    render: async (context) => {
      const rendered = await Promise.all(
        parts.map((part) =>
          typeof part === 'string' ? part : evaluate(part, context, path).then(stringify),
        ),
      )
      return rendered.join('')
    },
  }
}

/**
 * Compiles a template tree: strings may embed JSONata as `{% expression %}`; a string that is a
 * single expression yields the expression's value with its type; other values pass through.
 * Compile problems are collected into `issues` (with their path) instead of thrown, so a config
 * check can report all of them at once.
 */
export const compileTemplate = (
  template: unknown,
  path: string,
  issues: TemplateIssue[],
): CompiledTemplate => {
  if (typeof template === 'string') return compileString(template, path, issues)
  if (Array.isArray(template)) {
    const items = template.map((item, index) => compileTemplate(item, `${path}[${index}]`, issues))
    return {
      render: async (context) =>
        (await Promise.all(items.map((item) => item.render(context)))).filter(
          (value) => value !== undefined,
        ),
    }
  }
  if (template !== null && typeof template === 'object') {
    const entries = Object.entries(template).map(
      ([key, value]) => [key, compileTemplate(value, `${path}.${key}`, issues)] as const,
    )
    return {
      render: async (context) => {
        const result: Record<string, unknown> = {}
        for (const [key, value] of entries) {
          const rendered = await value.render(context)
          if (rendered !== undefined) result[key] = rendered
        }
        return result
      },
    }
  }
  return { render: async () => template }
}

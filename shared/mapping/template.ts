import type jsonata from 'jsonata'
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
const plainPathEvaluator = (steps: string[], fallback: Evaluator): Evaluator => ({
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

/**
 * JSONata's compiler. Given to {@link compileTemplate}, every expression is compiled (and so
 * checked) at once; without it, JSONata loads the first time an expression that needs it runs.
 */
export type Jsonata = typeof jsonata

/** An expression compiled the first time it runs, JSONata loaded then (its own bundle chunk). */
const jsonataOnFirstUse = (source: string): Evaluator => {
  let expression: Promise<jsonata.Expression> | undefined
  const compiled = () => {
    expression ??= import('jsonata').then((module) => module.default(source))
    return expression
  }
  return { evaluate: (context) => compiled().then((ready) => ready.evaluate(context)) }
}

const compileExpression = (
  source: string,
  path: string,
  issues: TemplateIssue[],
  compile: Jsonata | undefined,
): Evaluator | undefined => {
  if (source.trim() === '') {
    issues.push({ path, message: 'empty {% %} expression' })
    return undefined
  }
  let expression: Evaluator
  if (compile) {
    try {
      expression = compile(source)
    } catch (error) {
      issues.push({ path, message: `JSONata: ${describe(error)}` })
      return undefined
    }
  } else {
    expression = jsonataOnFirstUse(source)
  }
  const steps = PLAIN_PATH.exec(source)?.[1]?.split('.')
  const plain = steps && !steps.some((step) => JSONATA_WORDS.has(step))
  return plain ? plainPathEvaluator(steps, expression) : expression
}

/**
 * What a compiled node renders: its value at once when every expression in it is a plain path,
 * or a promise of it once JSONata has evaluated (JSONata is asynchronous). Rendering a field
 * list with no JSONata in it then costs no promise per field.
 */
type Renderer = (context: object) => unknown

const failed = (error: unknown, path: string) =>
  new TemplateError(`template ${path} failed: ${describe(error)}`, { cause: error })

/** Evaluates an expression; a failure is always a rejected promise of a `TemplateError`. */
const evaluate = (expression: Evaluator, context: object, path: string): unknown => {
  let value: unknown
  try {
    value = expression.evaluate(context)
  } catch (error) {
    return Promise.reject(failed(error, path))
  }
  return value instanceof Promise
    ? value.then(undefined, (error: unknown) => {
        throw failed(error, path)
      })
    : value
}

/** `next(value)`, after `value` settles if it is a promise. */
const then = (value: unknown, next: (value: unknown) => unknown): unknown =>
  value instanceof Promise ? value.then(next) : next(value)

/** `next(values)`, after every promise among `values` settles (all of them, as Promise.all). */
const thenAll = (values: unknown[], next: (values: unknown[]) => unknown): unknown =>
  values.some((value) => value instanceof Promise) ? Promise.all(values).then(next) : next(values)

const stringify = (value: unknown): string => {
  if (value === undefined || value === null) return ''
  if (typeof value === 'string') return value
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  return JSON.stringify(value)
}

/** JSONata returns sequences as arrays with a marker; plain JSON is what Halo wants. */
const plainJson = (value: unknown): unknown => {
  // In JSON, -0 is 0 (as JSON.stringify writes it).
  if (value === null || typeof value !== 'object') return Object.is(value, -0) ? 0 : value
  return JSON.parse(JSON.stringify(value))
}

const compileString = (
  text: string,
  path: string,
  issues: TemplateIssue[],
  compile: Jsonata | undefined,
): Renderer => {
  const whole = WHOLE_EXPRESSION.exec(text)
  // A string that is one expression keeps the expression's type (a number stays a number).
  if (whole && !whole[1]?.includes('%}')) {
    const expression = compileExpression(whole[1] ?? '', path, issues, compile)
    if (!expression) return () => undefined
    return (context) => then(evaluate(expression, context, path), plainJson)
  }
  if (!text.includes('{%')) return () => text
  const parts: Part[] = []
  let last = 0
  for (const match of text.matchAll(EXPRESSION)) {
    parts.push(text.slice(last, match.index))
    const expression = compileExpression(match[1] ?? '', path, issues, compile)
    if (expression) parts.push(expression)
    last = match.index + match[0].length
  }
  parts.push(text.slice(last))
  if (text.slice(last).includes('{%')) {
    issues.push({ path, message: 'unclosed {% expression (expected %})' })
  }
  return (context) =>
    thenAll(
      parts.map((part) => (typeof part === 'string' ? part : evaluate(part, context, path))),
      (values) => values.map(stringify).join(''),
    )
}

type Entry = readonly [key: string, render: Renderer]

/** Finishes an object's fields from `index` on, one after another, once one needed JSONata. */
const finishEntries = async (
  entries: readonly Entry[],
  index: number,
  pending: unknown,
  result: Record<string, unknown>,
  context: object,
) => {
  let value = await pending
  for (let at = index; ; ) {
    if (value !== undefined) result[(entries[at] as Entry)[0]] = value
    if (++at >= entries.length) return result
    value = await (entries[at] as Entry)[1](context)
  }
}

/** Renders an object's fields in order, each after the one before. */
const renderEntries = (entries: readonly Entry[], context: object): unknown => {
  const result: Record<string, unknown> = {}
  for (let index = 0; index < entries.length; index++) {
    const [key, render] = entries[index] as Entry
    const value = render(context)
    if (value instanceof Promise) return finishEntries(entries, index, value, result, context)
    if (value !== undefined) result[key] = value
  }
  return result
}

const compileNode = (
  template: unknown,
  path: string,
  issues: TemplateIssue[],
  compile: Jsonata | undefined,
): Renderer => {
  if (typeof template === 'string') return compileString(template, path, issues, compile)
  if (Array.isArray(template)) {
    const items = template.map((item, index) =>
      compileNode(item, `${path}[${index}]`, issues, compile),
    )
    return (context) =>
      thenAll(
        items.map((item) => item(context)),
        (values) => values.filter((value) => value !== undefined),
      )
  }
  if (template !== null && typeof template === 'object') {
    const entries = Object.entries(template).map(
      ([key, value]): Entry => [key, compileNode(value, `${path}.${key}`, issues, compile)],
    )
    return (context) => renderEntries(entries, context)
  }
  return () => template
}

/**
 * Compiles a template tree: strings may embed JSONata as `{% expression %}`; a string that is a
 * single expression yields the expression's value with its type; other values pass through.
 * Compile problems are collected into `issues` (with their path) instead of thrown, so a config
 * check can report all of them at once. A config check passes JSONata's compiler (`compile`), so
 * every expression is checked; a Lambda bundle, whose config was checked at synth, leaves it out:
 * plain paths then never load JSONata, and other expressions load it when they first run.
 */
export const compileTemplate = (
  template: unknown,
  path: string,
  issues: TemplateIssue[],
  compile?: Jsonata,
): CompiledTemplate => {
  const render = compileNode(template, path, issues, compile)
  return {
    render: (context) => {
      try {
        return Promise.resolve(render(context))
      } catch (error) {
        return Promise.reject(error)
      }
    },
  }
}

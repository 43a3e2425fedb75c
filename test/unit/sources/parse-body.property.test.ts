import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { PayloadError } from '../../../shared/errors.js'
import { jsonDepth, MAX_JSON_DEPTH, parseJsonText } from '../../../shared/sources/parse-body.js'

/** The rule as first written: scan the whole text for its depth, then parse. */
const scanThenParse = (text: string): { value: unknown } | { error: string } => {
  if (jsonDepth(text) > MAX_JSON_DEPTH)
    return { error: `body nests deeper than ${MAX_JSON_DEPTH} levels` }
  try {
    return { value: JSON.parse(text) }
  } catch (error) {
    const position = error instanceof Error ? /position (\d+)/.exec(error.message)?.[1] : undefined
    const where = position === undefined ? '' : ` (at character ${position})`
    return { error: `body is not valid JSON${where}` }
  }
}

const outcome = (text: string): { value: unknown } | { error: string } => {
  try {
    return { value: parseJsonText(text) }
  } catch (error) {
    expect(error).toBeInstanceOf(PayloadError)
    expect((error as PayloadError).code).toBe('body_invalid')
    return { error: (error as Error).message }
  }
}

/** JSON nested `depth` levels around a leaf, with brackets inside strings now and then. */
const nested = fc
  .record({
    depth: fc.oneof(
      fc.integer({ min: 0, max: 3 * MAX_JSON_DEPTH }),
      fc.integer({ min: MAX_JSON_DEPTH - 2, max: MAX_JSON_DEPTH + 2 }),
    ),
    shapes: fc.array(fc.constantFrom('array', 'object'), { minLength: 1, maxLength: 4 }),
    leaf: fc.oneof(
      fc.json(),
      fc.constantFrom('1', '[]', '{}', '"[[[{{{"', '"]]}}"', '"\\\\"', '"\\"[{"'),
    ),
  })
  .map(({ depth, shapes, leaf }) => {
    let text = leaf
    for (let level = 0; level < depth; level++) {
      text = shapes[level % shapes.length] === 'array' ? `[${text}]` : `{"k":${text}}`
    }
    return text
  })

/** Texts that are valid, cut short, or changed by a character, short or padded past 16 KiB. */
const text = fc
  .record({
    json: fc.oneof(nested, fc.json()),
    cut: fc.option(fc.nat(), { nil: undefined }),
    padding: fc.constantFrom(0, 20_000),
  })
  .map(({ json, cut, padding }) => {
    const padded = `${' '.repeat(padding)}${json}`
    return cut === undefined ? padded : padded.slice(0, cut % (padded.length + 1))
  })

describe('parseJsonText', () => {
  it('answers as scanning for the depth before parsing did, for any text', () => {
    fc.assert(
      fc.property(text, (candidate) => {
        expect(outcome(candidate)).toEqual(scanThenParse(candidate))
      }),
      { numRuns: 500 },
    )
  })
})

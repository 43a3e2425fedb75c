import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  copyPlain,
  freezeInPlace,
  frozenCopy,
  handOver,
  heldCopy,
} from '../../shared/plain-copy.js'

/** JSON values as JSON.parse makes them, own `__proto__` and `constructor` keys included. */
const parsedJson = fc
  .tuple(fc.json(), fc.constantFrom('__proto__', 'constructor', 'toString', 'a'))
  .map(([text, key]) => JSON.parse(`{${JSON.stringify(key)}:${text},"rest":${text}}`) as unknown)

const everyObjectIn = (value: unknown): object[] =>
  typeof value !== 'object' || value === null
    ? []
    : [value, ...Object.values(value).flatMap(everyObjectIn)]

describe('copyPlain', () => {
  it('copies any parsed JSON as structuredClone does, sharing no object with it', () => {
    fc.assert(
      fc.property(parsedJson, (value) => {
        const copy = copyPlain(value)
        expect(copy).toEqual(structuredClone(value))
        expect(JSON.stringify(copy)).toBe(JSON.stringify(value))
        const originals = new Set(everyObjectIn(value))
        expect(everyObjectIn(copy).filter((object) => originals.has(object))).toEqual([])
      }),
      { numRuns: 300 },
    )
  })

  it('keeps an own __proto__ key as a key, never as the prototype of the copy', () => {
    const value = JSON.parse('{"__proto__":{"polluted":true},"a":1}') as Record<string, unknown>
    const copy = copyPlain(value)
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype)
    expect(Object.keys(copy)).toEqual(['__proto__', 'a'])
    expect((copy as { polluted?: unknown }).polluted).toBeUndefined()
  })

  it('copies what is not plain data (a Date) as structuredClone does', () => {
    const value = { at: new Date('2026-11-28T07:00:00Z') }
    const copy = copyPlain(value)
    expect(copy.at).toBeInstanceOf(Date)
    expect(copy.at).not.toBe(value.at)
    expect(copy).toEqual(value)
  })
})

describe('frozenCopy', () => {
  it('answers an equal copy frozen throughout, leaving the original as it was', () => {
    fc.assert(
      fc.property(parsedJson, (value) => {
        const copy = frozenCopy(value)
        expect(copy).toEqual(structuredClone(value))
        expect(everyObjectIn(copy).every((object) => Object.isFrozen(object))).toBe(true)
        expect(Object.isFrozen(value)).toBe(false)
      }),
      { numRuns: 200 },
    )
  })

  it('answers its own copies, and values frozen in place, as they are', () => {
    const copy = frozenCopy({ alert: { title: 't' } })
    expect(frozenCopy(copy)).toBe(copy)
    const handedOver = freezeInPlace({ alert: { title: 't', labels: { a: 'b' } } })
    expect(frozenCopy(handedOver)).toBe(handedOver)
    expect(Object.isFrozen(handedOver.alert.labels)).toBe(true)
    expect(() => {
      ;(handedOver.alert as { title: string }).title = 'changed'
    }).toThrow(TypeError)
  })

  it('copies a value frozen elsewhere, since its insides may still change', () => {
    const inside = { title: 't' }
    const surface = Object.freeze({ alert: inside })
    const copy = frozenCopy(surface)
    expect(copy).not.toBe(surface)
    inside.title = 'changed'
    expect(copy.alert.title).toBe('t')
  })
})

describe('heldCopy', () => {
  it('keeps a handed-over value as it is, unfrozen until frozenCopy reads it', () => {
    const value = handOver({ alert: { title: 't', labels: { a: 'b' } } })
    expect(heldCopy(value)).toBe(value)
    expect(Object.isFrozen(value)).toBe(false)

    const read = frozenCopy(value)

    expect(read).toBe(value)
    expect(everyObjectIn(value).every((object) => Object.isFrozen(object))).toBe(true)
    expect(frozenCopy(value)).toBe(value)
  })

  it('keeps anything else as a frozen copy', () => {
    fc.assert(
      fc.property(parsedJson, (value) => {
        const held = heldCopy(value)
        expect(held).toEqual(structuredClone(value))
        expect(everyObjectIn(held).every((object) => Object.isFrozen(object))).toBe(true)
        if (typeof value === 'object' && value !== null) expect(held).not.toBe(value)
      }),
      { numRuns: 100 },
    )
  })
})

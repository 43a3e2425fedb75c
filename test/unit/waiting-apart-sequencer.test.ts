import { describe, expect, it } from 'vitest'
import { playThrough } from '../support/waiting-apart-sequencer.js'

type File = { spec: string; ms: number; waiting: boolean }

const file = (spec: string, ms: number, waiting = false): File => ({ spec, ms, waiting })

/** When each file starts and ends if `workers` workers take `order` as the pool does. */
const schedule = (order: readonly string[], files: readonly File[], workers: number) => {
  const byName = new Map(files.map((one) => [one.spec, one]))
  const free = Array.from({ length: workers }, () => 0)
  return order.map((name) => {
    const one = byName.get(name) as File
    free.sort((a, b) => a - b)
    const start = free.shift() as number
    free.push(start + one.ms)
    return { ...one, start, end: start + one.ms }
  })
}

const overlapping = (runs: ReturnType<typeof schedule>) =>
  runs.filter((a) => runs.some((b) => a !== b && a.start < b.end && b.start < a.end))

describe('playThrough (the waiting files apart)', () => {
  it('starts a waiting file only once the one before it has ended, while other files remain', () => {
    const files = [
      file('chaos', 19_000, true),
      file('sweep', 14_000, true),
      file('restart', 6_000, true),
      ...Array.from({ length: 80 }, (_, index) => file(`unit-${index}`, 1_500)),
    ]

    const order = playThrough(files, 3)
    const waiting = schedule(order, files, 3).filter((run) => run.waiting)

    expect([...order].sort()).toEqual(files.map((one) => one.spec).sort())
    expect(overlapping(waiting)).toEqual([])
    // The longest first, as Vitest's own order has them.
    expect(order[0]).toBe('chaos')
  })

  it('runs waiting files side by side when, one at a time, they would outlast the rest', () => {
    const files = [
      file('chaos', 20_000, true),
      file('sweep', 20_000, true),
      file('restart', 20_000, true),
      file('unit', 2_000),
    ]

    const order = playThrough(files, 3)
    const runs = schedule(order, files, 3)

    expect(Math.max(...runs.map((run) => run.end))).toBeLessThan(60_000)
  })
})

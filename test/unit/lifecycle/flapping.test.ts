import { describe, expect, it } from 'vitest'
import { needsWorkCheck } from '../../../shared/lifecycle/plan-lifecycle.js'
import { minutesAfter, routeWith, runProblem, type Step } from '../../support/problem-run.js'

const T0 = '2027-01-05T10:00:00.000Z'
const FLAPPING = { changes: 4, withinMinutes: 30, quietMinutes: 30 }

/** Firing and resolved by turns, every `every` minutes from T0, starting with a firing. */
const flaps = (count: number, every = 2): Step[] =>
  Array.from({ length: count }, (_, index) => ({
    at: minutesAfter(T0, index * every),
    status: index % 2 === 0 ? 'firing' : 'resolved',
  }))

const calls = (results: { kind: string; call?: string }[]) =>
  results.map(({ kind, call }) => (call ? `${kind}: ${call}` : kind))

describe('flapping (noise.flapping)', () => {
  it('notes once, then holds the ticket open while it flaps, and closes it once a resolve has held', async () => {
    const route = routeWith({
      noise: { flapping: FLAPPING },
      lifecycle: { afterClosed: 'reopen' },
    })
    const { results, record, dueAt } = await runProblem(route, flaps(10))

    expect(calls(results)).toEqual([
      'create: create',
      'close: note+status 9',
      'reopen: note+status 1',
      'close: note+status 9',
      // The fourth change within 30 min: one note, and the ticket reopened and held open.
      'flapping: note+status 1',
      'record',
      'record',
      'record',
      'record',
      'record',
    ])
    expect(results[4]?.text).toBe(
      `Flapping: the status changed 4 times within 30 min. The ticket stays open, neither closed nor reopened, until the status holds (${minutesAfter(T0, 38)} at the earliest).`,
    )
    expect(results[5]?.reason).toBe('flapping: held open until the status holds for 30 min')
    // Every change moved the end of the quiet period: the last (a resolve) was at +18.
    expect(record).toMatchObject({ state: 'open', ticketId: 100, occurrences: 3 })
    expect(dueAt).toBe(minutesAfter(T0, 48))
  })

  it('settles to the last status when the quiet period ends: closed after a resolve', async () => {
    const route = routeWith({ noise: { flapping: FLAPPING }, lifecycle: { afterClosed: 'reopen' } })
    const { results, record, dueAt } = await runProblem(route, [
      ...flaps(10),
      { at: minutesAfter(T0, 47), timer: true },
      { at: minutesAfter(T0, 48), timer: true },
      { at: minutesAfter(T0, 49), timer: true },
    ])

    expect(calls(results.slice(10))).toEqual(['suppress', 'settle: note+status 9', 'suppress'])
    expect(results[11]?.text).toBe(
      'Stable for 30 min after flapping, resolved at the source; closing.',
    )
    expect(record).toMatchObject({ state: 'closed', flap: { last: 'resolved', changes: [] } })
    expect(record?.flap?.stableAt).toBeUndefined()
    expect(dueAt).toBeUndefined()
  })

  it('settles to open with a note when the last status was a firing', async () => {
    const route = routeWith({ noise: { flapping: { ...FLAPPING, changes: 3 } } })
    const { results, record, dueAt } = await runProblem(route, [
      ...flaps(5),
      { at: minutesAfter(T0, 9), status: 'firing' },
      { at: minutesAfter(T0, 38), timer: true },
    ])

    expect(calls(results)).toEqual([
      'create: create',
      'close: note+status 9',
      // afterClosed: new, so the second firing opens a new ticket.
      'create: create',
      // The third change is a resolve while that ticket is open: noted, not closed.
      'flapping: note',
      'record',
      'record',
      'settle: note',
    ])
    expect(results[6]?.text).toBe(
      'Stable for 30 min after flapping, still firing; the ticket stays open.',
    )
    expect(record).toMatchObject({ state: 'open', ticketId: 101 })
    expect(dueAt).toBeUndefined()
  })

  it('leaves the ticket open for review when the route notes resolves instead of closing', async () => {
    const route = routeWith({
      noise: { flapping: { ...FLAPPING, changes: 2 } },
      lifecycle: { resolve: 'note' },
    })
    const { results } = await runProblem(route, [
      ...flaps(4),
      { at: minutesAfter(T0, 36), timer: true },
    ])

    expect(calls(results)).toEqual([
      'create: create',
      'resolveNote: note',
      'flapping: note',
      'record',
      'settle: note',
    ])
    expect(results[4]?.text).toBe(
      'Stable for 30 min after flapping, resolved at the source; the ticket stays open for review.',
    )
  })

  it('is not flapping when the changes are spread wider than the window', async () => {
    const route = routeWith({ noise: { flapping: FLAPPING }, lifecycle: { afterClosed: 'reopen' } })
    const { results, dueAt } = await runProblem(route, flaps(8, 11))

    expect(results.map((result) => result.kind)).toEqual([
      'create',
      'close',
      'reopen',
      'close',
      'reopen',
      'close',
      'reopen',
      'close',
    ])
    expect(dueAt).toBeUndefined()
  })

  it('does not count a firing dropped by a maintenance window as a change', async () => {
    const route = routeWith({
      noise: {
        flapping: { ...FLAPPING, changes: 3 },
        maintenance: [{ action: 'drop', start: minutesAfter(T0, 3), end: minutesAfter(T0, 5) }],
      },
      lifecycle: { afterClosed: 'reopen' },
    })
    const { results } = await runProblem(route, flaps(6))

    // +4 is dropped and counts for nothing; +6 (resolved while closed) is then no change, so the
    // third change is the resolve at +10.
    expect(results.map((result) => result.kind)).toEqual([
      'create',
      'close',
      'suppress',
      'record',
      'reopen',
      'flapping',
    ])
  })

  it('keeps nothing on a route without the policy', async () => {
    const { results, record } = await runProblem(routeWith({}), flaps(6))

    expect(results.map((result) => result.kind)).toEqual([
      'create',
      'close',
      'create',
      'close',
      'create',
      'close',
    ])
    expect(record?.flap).toBeUndefined()
  })

  it('reads no work from Halo for a resolve it holds (close-if-untouched)', async () => {
    const route = routeWith({
      noise: { flapping: { ...FLAPPING, changes: 2 } },
      lifecycle: { resolve: 'close-if-untouched' },
    })
    const { record } = await runProblem(route, flaps(3))
    if (!record) throw new Error('no record')

    expect(record.flap?.stableAt).toBeDefined()
    expect(needsWorkCheck(record, { status: 'resolved' }, route.lifecycle)).toBe(false)
    const settled = { ...record, flap: { last: 'firing' as const, changes: [] } }
    expect(needsWorkCheck(settled, { status: 'resolved' }, route.lifecycle)).toBe(true)
  })
})

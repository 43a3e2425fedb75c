import { describe, expect, it } from 'vitest'
import { ConfigError } from '../../../shared/errors.js'
import type { CorrelationRecord } from '../../../shared/lifecycle/correlation-store.js'
import { decideDue } from '../../../shared/lifecycle/due.js'
import { minutesAfter, routeWith, runProblem } from '../../support/problem-run.js'

const T0 = '2027-01-05T10:00:00.000Z'
const route = routeWith({ lifecycle: { resolveAfterQuietMinutes: 10 } })
const at = (minutes: number) => minutesAfter(T0, minutes)

const calls = (results: { kind: string; call?: string }[]) =>
  results.map(({ kind, call }) => (call ? `${kind}: ${call}` : kind))

describe('resolveAfterQuietMinutes', () => {
  it('closes the ticket only when the period after the resolve passed without a firing', async () => {
    const { results, record, dueAt } = await runProblem(route, [
      { at: at(0), status: 'firing' },
      { at: at(5), status: 'resolved' },
      { at: at(14), timer: true },
      { at: at(15), timer: true },
    ])

    expect(calls(results)).toEqual([
      'create: create',
      'record',
      'suppress',
      'settle: note+status 9',
    ])
    expect(results[1]?.reason).toBe(
      `resolve held: the ticket closes at ${at(15)} unless it fires again`,
    )
    expect(results[2]?.reason).toBe('nothing due')
    expect(results[3]?.text).toBe(
      'Resolved at the source, and no firing for 10 min since; closing.',
    )
    expect(record).toMatchObject({ state: 'closed', closedAt: at(15) })
    expect(record?.closeAt).toBeUndefined()
    expect(dueAt).toBeUndefined()
  })

  it('cancels the close when it fires again in between, and counts the firing as a repeat', async () => {
    const { results, record, dueAt } = await runProblem(route, [
      { at: at(0), status: 'firing' },
      { at: at(5), status: 'resolved' },
      { at: at(8), status: 'firing' },
      { at: at(15), timer: true },
      { at: at(20), status: 'resolved' },
    ])

    expect(calls(results)).toEqual(['create: create', 'record', 'note: note', 'suppress', 'record'])
    expect(results[2]?.text).toBe('Recurred: 1 more occurrence since the last note (2 in total).')
    // The second resolve starts a new quiet period.
    expect(record).toMatchObject({ state: 'open', occurrences: 2, closeAt: at(30) })
    expect(dueAt).toBe(at(30))
  })

  it('does not push the close back on a repeated resolve', async () => {
    const { dueAt } = await runProblem(route, [
      { at: at(0), status: 'firing' },
      { at: at(5), status: 'resolved' },
      { at: at(9), status: 'resolved' },
    ])

    expect(dueAt).toBe(at(15))
  })

  it('tells in the close how many repeats were only counted', async () => {
    const { results } = await runProblem(route, [
      { at: at(0), status: 'firing' },
      { at: at(1), status: 'firing' },
      { at: at(2), status: 'firing' },
      { at: at(3), status: 'resolved' },
      { at: at(13), timer: true },
    ])

    expect(calls(results)).toEqual([
      'create: create',
      'note: note',
      'record',
      'record',
      'settle: note+status 9',
    ])
    expect(results[4]?.text).toBe(
      'Resolved at the source, and no firing for 10 min since; closing. It recurred 1 more time since the last note.',
    )
  })

  it('only clears the deadline when the ticket was closed meanwhile (in Halo)', () => {
    const record: CorrelationRecord = {
      route: 'r',
      key: 'k',
      state: 'closed',
      ticketId: 100,
      occurrences: 1,
      firstSeen: at(0),
      lastSeen: at(6),
      closeAt: at(15),
      applied: [],
      version: 4,
    }
    expect(decideDue({ record, route, now: new Date(at(15)), envelopeId: 't1' })).toEqual({
      kind: 'record',
      reason: 'quiet close moot: no open ticket',
      change: { closeAt: undefined },
    })
  })

  it('needs resolve: close', () => {
    expect(() =>
      routeWith({ lifecycle: { resolve: 'note', resolveAfterQuietMinutes: 10 } }),
    ).toThrow(ConfigError)
  })
})

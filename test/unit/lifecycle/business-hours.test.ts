import { describe, expect, it } from 'vitest'
import { routeWith, runProblem } from '../../support/problem-run.js'

const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri']
const hours = (outOfHours: 'create' | 'defer', extra: object = {}) => ({
  businessHours: {
    timezone: 'Europe/London',
    weekly: [{ days: WEEKDAYS, from: '08:00', to: '18:00' }],
    outOfHours,
  },
  // Priority 3 in hours, 1 (the on-call's) out of them.
  ticket: { client_id: 1, priority_id: '{% alert.inBusinessHours ? 3 : 1 %}' },
  ...extra,
})

// Friday 26 March 2027, 19:00 GMT: out of hours. The next opening is Monday 08:00, after the
// clocks went forward on Sunday: 07:00 UTC.
const FRIDAY_EVENING = '2027-03-26T19:00:00.000Z'
const MONDAY_OPENING = '2027-03-29T07:00:00.000Z'
const SATURDAY = '2027-03-27T10:00:00.000Z'

const calls = (results: { kind: string; call?: string }[]) =>
  results.map(({ kind, call }) => (call ? `${kind}: ${call}` : kind))

describe('business hours', () => {
  it('renders alert.inBusinessHours for the instant the ticket is created', async () => {
    const route = routeWith(hours('create'))
    const evening = await runProblem(route, [{ at: FRIDAY_EVENING, status: 'firing' }])
    const morning = await runProblem(route, [{ at: MONDAY_OPENING, status: 'firing' }])

    expect(evening.results[0]?.ticket).toMatchObject({ priority_id: 1 })
    expect(morning.results[0]?.ticket).toMatchObject({ priority_id: 3 })
  })

  it('defers a non-urgent ticket out of hours and creates it when they begin', async () => {
    const route = routeWith(hours('defer'))
    const deferred = await runProblem(route, [{ at: FRIDAY_EVENING, status: 'firing' }])

    expect(calls(deferred.results)).toEqual(['defer'])
    expect(deferred.results[0]?.reason).toBe(
      `out of business hours: the ticket is created at ${MONDAY_OPENING}`,
    )
    expect(deferred.record).toMatchObject({ state: 'deferred', occurrences: 1 })
    expect(deferred.dueAt).toBe(MONDAY_OPENING)

    const { results, record, dueAt } = await runProblem(route, [
      { at: FRIDAY_EVENING, status: 'firing' },
      { at: SATURDAY, status: 'firing' },
      { at: '2027-03-29T06:59:00.000Z', timer: true },
      { at: MONDAY_OPENING, timer: true },
    ])
    expect(calls(results)).toEqual(['defer', 'record', 'suppress', 'create: create'])
    expect(results[1]?.reason).toBe(`deferred until ${MONDAY_OPENING} (business hours)`)
    // Rendered when the alert came, for the opening: an in-hours ticket.
    expect(results[3]?.ticket).toMatchObject({ summary: 'Disk full', priority_id: 3 })
    expect(record).toMatchObject({
      state: 'open',
      ticketId: 100,
      occurrences: 2,
      firstSeen: FRIDAY_EVENING,
    })
    expect(record?.deferred).toBeUndefined()
    expect(dueAt).toBeUndefined()
  })

  it('keeps the alert for a route that resolves at its source, so the held ticket carries it', async () => {
    const route = routeWith(
      hours('defer', { resolveAtSource: { kind: 'alertmanager', url: 'http://am.example:9093' } }),
    )
    const { results, record } = await runProblem(route, [
      { at: FRIDAY_EVENING, status: 'firing' },
      { at: MONDAY_OPENING, timer: true },
    ])

    expect(calls(results)).toEqual(['defer', 'create: create'])
    expect(record).toMatchObject({ state: 'open', alert: { title: 'Disk full', labels: {} } })
  })

  it('lets urgent severities through at once', async () => {
    const route = routeWith(hours('defer'))
    const { results } = await runProblem(route, [
      { at: FRIDAY_EVENING, status: 'firing', severity: 'critical' },
    ])

    expect(calls(results)).toEqual(['create: create'])
    expect(results[0]?.ticket).toMatchObject({ priority_id: 1 })
  })

  it('creates at once when a deferred problem turns urgent', async () => {
    const route = routeWith(hours('defer'))
    const { results, record } = await runProblem(route, [
      { at: FRIDAY_EVENING, status: 'firing', severity: 'medium' },
      { at: SATURDAY, status: 'firing', severity: 'critical' },
      { at: MONDAY_OPENING, timer: true },
    ])

    expect(calls(results)).toEqual(['defer', 'create: create', 'suppress'])
    expect(results[1]?.ticket).toMatchObject({ priority_id: 1 })
    expect(record).toMatchObject({ state: 'open', occurrences: 2, firstSeen: FRIDAY_EVENING })
  })

  it('makes no ticket at all for a problem resolved before the opening', async () => {
    const route = routeWith(hours('defer'))
    const { results, record, dueAt } = await runProblem(route, [
      { at: FRIDAY_EVENING, status: 'firing' },
      { at: SATURDAY, status: 'resolved' },
      { at: MONDAY_OPENING, timer: true },
    ])

    expect(calls(results)).toEqual(['defer', 'record', 'suppress'])
    expect(results[1]?.reason).toBe('resolved before business hours: no ticket')
    expect(record).toMatchObject({ state: 'resolved' })
    expect(record?.deferred).toBeUndefined()
    expect(dueAt).toBeUndefined()
  })

  it('creates on a firing in hours when the timer has not come yet', async () => {
    const route = routeWith(hours('defer'))
    const { results, record } = await runProblem(route, [
      { at: FRIDAY_EVENING, status: 'firing' },
      { at: '2027-03-29T07:00:30.000Z', status: 'firing' },
      { at: '2027-03-29T07:01:00.000Z', timer: true },
    ])

    expect(calls(results)).toEqual(['defer', 'create: create', 'suppress'])
    expect(record).toMatchObject({ state: 'open', occurrences: 2 })
  })

  it('moves the wait to the next opening when a firing comes out of hours after a missed opening', async () => {
    // The Monday opening's timer never came (an outage); Monday 19:00 BST is out of hours again.
    const route = routeWith(hours('defer'))
    const { results, record, dueAt } = await runProblem(route, [
      { at: FRIDAY_EVENING, status: 'firing' },
      { at: '2027-03-29T18:00:00.000Z', status: 'firing' },
    ])

    expect(calls(results)).toEqual(['defer', 'record'])
    expect(results[1]?.reason).toBe(
      'business hours have not begun: deferred until 2027-03-30T07:00:00.000Z',
    )
    expect(record).toMatchObject({ state: 'deferred', occurrences: 2 })
    expect(dueAt).toBe('2027-03-30T07:00:00.000Z')
  })

  describe('maintenance wins over business hours', () => {
    const weekend = {
      noise: {
        maintenance: [
          { weekly: { days: ['sat'], from: '00:00', to: '23:59', timezone: 'Europe/London' } },
        ],
      },
    }

    it('counts a firing in a maintenance window out of hours; it is not deferred', async () => {
      const route = routeWith(hours('defer', weekend))
      const { results, record, dueAt } = await runProblem(route, [
        { at: SATURDAY, status: 'firing' },
      ])

      expect(results).toEqual([
        expect.objectContaining({ kind: 'record', reason: 'maintenance window (count)' }),
      ])
      expect(record).toMatchObject({ state: 'suppressed' })
      expect(dueAt).toBeUndefined()
    })

    it('drops the deferral of a problem that fires again in a maintenance window', async () => {
      const route = routeWith(hours('defer', weekend))
      const { results, record, dueAt } = await runProblem(route, [
        { at: FRIDAY_EVENING, status: 'firing' },
        { at: SATURDAY, status: 'firing' },
      ])

      expect(calls(results)).toEqual(['defer', 'record'])
      expect(record).toMatchObject({ state: 'suppressed' })
      expect(record?.deferred).toBeUndefined()
      expect(dueAt).toBeUndefined()
    })

    it('creates nothing when a maintenance window is on at the opening', async () => {
      const route = routeWith(
        hours('defer', {
          noise: {
            maintenance: [
              {
                weekly: { days: ['mon'], from: '07:30', to: '09:00', timezone: 'Europe/London' },
              },
            ],
          },
        }),
      )
      const { results, record, dueAt } = await runProblem(route, [
        { at: FRIDAY_EVENING, status: 'firing' },
        { at: MONDAY_OPENING, timer: true },
      ])

      expect(calls(results)).toEqual(['defer', 'record'])
      expect(results[1]?.reason).toBe(
        'maintenance window when business hours began (count): no ticket',
      )
      expect(record).toMatchObject({ state: 'suppressed' })
      expect(dueAt).toBeUndefined()
    })
  })
})

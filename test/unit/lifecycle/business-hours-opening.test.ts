import { describe, expect, it } from 'vitest'
import { inBusinessHours, nextOpening } from '../../../shared/lifecycle/business-hours.js'
import { BusinessHoursSchema } from '../../../shared/lifecycle/lifecycle-policy.js'

const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri']

const hours = (timezone: string, weekly: object[]) =>
  BusinessHoursSchema.parse({ timezone, weekly })

const london = hours('Europe/London', [{ days: WEEKDAYS, from: '08:00', to: '18:00' }])
const newYork = hours('America/New_York', [{ days: WEEKDAYS, from: '09:00', to: '17:00' }])

// 2027: London moves to BST on 28 March and back on 31 October (01:00 UTC); New York to EDT on
// 14 March (07:00 UTC) and back on 7 November (06:00 UTC).
describe('nextOpening', () => {
  it.each([
    [
      'London, Friday evening before BST begins',
      london,
      '2027-03-26T19:00:00Z',
      '2027-03-29T07:00:00Z',
    ],
    [
      'London, Friday evening before BST ends',
      london,
      '2027-10-29T17:30:00Z',
      '2027-11-01T08:00:00Z',
    ],
    [
      'London, Monday before opening, in BST',
      london,
      '2027-03-29T06:30:00Z',
      '2027-03-29T07:00:00Z',
    ],
    ['London, Sunday of the change to BST', london, '2027-03-28T01:30:00Z', '2027-03-29T07:00:00Z'],
    ['London, after closing in winter', london, '2027-01-05T18:00:00Z', '2027-01-06T08:00:00Z'],
    [
      'New York, Friday evening before EDT begins',
      newYork,
      '2027-03-12T22:00:00Z',
      '2027-03-15T13:00:00Z',
    ],
    [
      'New York, Friday evening before EDT ends',
      newYork,
      '2027-11-05T21:30:00Z',
      '2027-11-08T14:00:00Z',
    ],
    [
      'New York, Saturday night UTC is Saturday evening',
      newYork,
      '2027-11-07T03:00:00Z',
      '2027-11-08T14:00:00Z',
    ],
    [
      'London, a span from 01:30 on the night 01:00–02:00 is skipped: when clocks jump',
      hours('Europe/London', [{ days: ['sun'], from: '01:30', to: '03:00' }]),
      '2027-03-28T00:00:00Z',
      '2027-03-28T01:00:00Z',
    ],
    [
      'London, a span in the repeated hour opens again the second time round',
      hours('Europe/London', [{ days: ['sun'], from: '01:00', to: '01:30' }]),
      '2027-10-31T00:45:00Z',
      '2027-10-31T01:00:00Z',
    ],
    [
      'New York, a span from 02:30 on the night 02:00–03:00 is skipped: when clocks jump',
      hours('America/New_York', [{ days: ['sun'], from: '02:30', to: '04:00' }]),
      '2027-03-14T06:00:00Z',
      '2027-03-14T07:00:00Z',
    ],
    [
      'New York, the repeated 01:15 once it has passed in EDT',
      hours('America/New_York', [{ days: ['sun'], from: '01:15', to: '01:45' }]),
      '2027-11-07T05:50:00Z',
      '2027-11-07T06:15:00Z',
    ],
    [
      'a night span (past midnight) opens the next Friday evening',
      hours('Europe/London', [{ days: ['fri'], from: '22:00', to: '06:00' }]),
      '2027-01-09T07:00:00Z',
      '2027-01-15T22:00:00Z',
    ],
    [
      'Auckland, a day ahead of UTC',
      hours('Pacific/Auckland', [{ days: ['mon'], from: '08:00', to: '17:00' }]),
      '2027-01-03T18:00:00Z',
      '2027-01-03T19:00:00Z',
    ],
  ])('%s', (_, policy, at, opening) => {
    const next = nextOpening(policy, new Date(at))
    expect(next?.toISOString()).toBe(new Date(opening).toISOString())
    // It is the first instant in hours: the minute before is out of them.
    expect(inBusinessHours(policy, new Date(at))).toBe(false)
    expect(inBusinessHours(policy, new Date(opening))).toBe(true)
    expect(inBusinessHours(policy, new Date(Date.parse(opening) - 60_000))).toBe(false)
  })

  it.each([
    ['London, Monday 09:00 BST', london, '2027-03-29T08:00:00Z'],
    ['London, Monday 17:59 GMT', london, '2027-11-01T17:59:00Z'],
    ['New York, Monday 16:59 EDT', newYork, '2027-03-15T20:59:00Z'],
  ])('in hours (%s): no opening to wait for', (_, policy, at) => {
    expect(inBusinessHours(policy, new Date(at))).toBe(true)
    expect(nextOpening(policy, new Date(at))).toBeUndefined()
  })

  it('rejects an empty span and an unknown time zone', () => {
    expect(() => hours('Europe/London', [{ from: '08:00', to: '08:00' }])).toThrow(/empty/)
    expect(() => hours('Europe/Lundon', [{ from: '08:00', to: '18:00' }])).toThrow(/IANA/)
  })
})

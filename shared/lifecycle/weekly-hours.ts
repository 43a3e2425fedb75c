/**
 * The days of the week as routes name them, Sunday first (as `Date#getUTCDay` counts). Here rather
 * than beside the policy schemas that use them, so deliver's timers do not build those (issue 15).
 */
export const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const

/** Days of the week and a span of local time on each; `to` before `from` runs past midnight. */
export type Weekly = { days: readonly (typeof DAYS)[number][]; from: string; to: string }

const MINUTE = 60_000
const DAY = 24 * 60 * MINUTE

const minutesOf = (clock: string) => {
  const [hours = 0, minutes = 0] = clock.split(':').map(Number)
  return hours * 60 + minutes
}

// Building a formatter costs far more than using one; time zones are few.
const formatters = new Map<string, Intl.DateTimeFormat>()
const formatterFor = (timezone: string) => {
  let formatter = formatters.get(timezone)
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: timezone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      weekday: 'short',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })
    formatters.set(timezone, formatter)
  }
  return formatter
}

/** The wall clock in `timezone` at `at`: its calendar date, day of week (0 = Sunday), minute. */
const wallClock = (at: number, timezone: string) => {
  const parts = formatterFor(timezone).formatToParts(at)
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? ''
  const day = DAYS.indexOf(part('weekday').toLowerCase().slice(0, 3) as (typeof DAYS)[number])
  return {
    // The wall clock read as if it were UTC: what the offset from the instant is measured by.
    asUtc: Date.UTC(
      Number(part('year')),
      Number(part('month')) - 1,
      Number(part('day')),
      Number(part('hour')),
      Number(part('minute')),
    ),
    day,
    minute: Number(part('hour')) * 60 + Number(part('minute')),
  }
}

/** How far the wall clock in `timezone` is ahead of UTC at `at`, in milliseconds. */
const offsetAt = (at: number, timezone: string) =>
  wallClock(at, timezone).asUtc - Math.floor(at / MINUTE) * MINUTE

/** Whether `at` falls in the weekly span, read on the wall clock of `timezone`. */
export const inWeekly = (weekly: Weekly, timezone: string, at: Date): boolean => {
  const { day, minute } = wallClock(at.getTime(), timezone)
  const from = minutesOf(weekly.from)
  const to = minutesOf(weekly.to)
  const on = (d: number) => weekly.days.includes(DAYS[(d + 7) % 7] as (typeof DAYS)[number])
  if (from <= to) return on(day) && minute >= from && minute < to
  // Past midnight: the evening part belongs to the listed day, the morning part to the next.
  return (on(day) && minute >= from) || (on(day - 1) && minute < to)
}

/**
 * The instants at which the wall clock of `timezone` shows `wall` (a wall time read as UTC):
 * usually one; two in the hour repeated when clocks go back; none in the hour skipped when they
 * go forward, and then the instant the clocks jump past it (the first instant after it exists).
 */
const instantsOf = (wall: number, timezone: string): number[] => {
  // Time zones change their offset at most once in two days, so the offsets a day either side
  // are the only two that can apply.
  const offsets = new Set([offsetAt(wall - DAY, timezone), offsetAt(wall + DAY, timezone)])
  const found = [...offsets]
    .map((offset) => wall - offset)
    .filter((at) => wallClock(at, timezone).asUtc === wall)
  if (found.length) return found.sort((a, b) => a - b)
  // Skipped: the jump lies between the two readings; find the first minute past it.
  const [early, late] = [...offsets].map((offset) => wall - offset).sort((a, b) => a - b) as [
    number,
    number,
  ]
  const after = offsetAt(wall + DAY, timezone)
  let low = early
  let high = late
  while (high - low > MINUTE) {
    const middle = low + Math.floor((high - low) / 2 / MINUTE) * MINUTE
    if (offsetAt(middle, timezone) === after) high = middle
    else low = middle
  }
  return [high]
}

/**
 * The first instant after `at` at which one of `spans` begins, on the wall clock of `timezone`
 * (daylight saving time included), or undefined when no span has a day. Pure.
 */
export const nextStart = (
  spans: readonly Weekly[],
  timezone: string,
  at: Date,
): Date | undefined => {
  const now = at.getTime()
  const today = wallClock(now, timezone).asUtc
  const midnight = today - (today % DAY)
  const starts: number[] = []
  // A span that starts on any of the next seven days (and today, and the day before for a
  // wall clock that is behind) is found; a week ahead covers every listed day.
  for (let offset = -1; offset <= 8; offset += 1) {
    const date = midnight + offset * DAY
    const day = DAYS[new Date(date).getUTCDay()] as (typeof DAYS)[number]
    for (const span of spans) {
      if (!span.days.includes(day)) continue
      starts.push(...instantsOf(date + minutesOf(span.from) * MINUTE, timezone))
    }
  }
  const next = starts.filter((start) => start > now).sort((a, b) => a - b)[0]
  return next === undefined ? undefined : new Date(next)
}

import { DAYS, type MaintenanceWindow } from './lifecycle-policy.js'

const minutesOf = (clock: string) => {
  const [hours = 0, minutes = 0] = clock.split(':').map(Number)
  return hours * 60 + minutes
}

/** Day of week (0 = Sunday) and minute of day of `at` in `timezone`. */
const localTime = (at: Date, timezone: string) => {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: timezone,
    weekday: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(at)
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? ''
  const day = DAYS.indexOf(part('weekday').toLowerCase().slice(0, 3) as (typeof DAYS)[number])
  return { day, minute: Number(part('hour')) * 60 + Number(part('minute')) }
}

const inWeekly = (weekly: NonNullable<MaintenanceWindow['weekly']>, at: Date) => {
  const { day, minute } = localTime(at, weekly.timezone)
  const from = minutesOf(weekly.from)
  const to = minutesOf(weekly.to)
  const on = (d: number) => weekly.days.includes(DAYS[(d + 7) % 7] as (typeof DAYS)[number])
  if (from <= to) return on(day) && minute >= from && minute < to
  // Past midnight: the evening part belongs to the listed day, the morning part to the next.
  return (on(day) && minute >= from) || (on(day - 1) && minute < to)
}

/** The first maintenance window `at` falls in, if any. Pure: the caller passes the instant. */
export const activeWindow = (
  windows: readonly MaintenanceWindow[],
  at: Date,
): MaintenanceWindow | undefined =>
  windows.find((window) => {
    if (window.weekly) return inWeekly(window.weekly, at)
    const start = Date.parse(window.start ?? '')
    const end = Date.parse(window.end ?? '')
    return at.getTime() >= start && at.getTime() < end
  })

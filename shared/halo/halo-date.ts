/**
 * A Halo date as ISO 8601 with milliseconds, or undefined when it is no real date: Halo sends
 * .NET's seven fraction digits, sometimes no zone (UTC is meant), and the year 1900 or 0001 for
 * "no date".
 */
export const haloDateToIso = (value: string | null | undefined): string | undefined => {
  if (!value) return undefined
  const zoned = /(?:Z|[+-]\d\d:?\d\d)$/.test(value) ? value : `${value}Z`
  const time = Date.parse(zoned.replace(/(\.\d{3})\d+/, '$1'))
  return Number.isNaN(time) || time < Date.UTC(1970, 0, 1)
    ? undefined
    : new Date(time).toISOString()
}

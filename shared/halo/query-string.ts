// Query strings of Halo's list endpoints; what each may hold is in ./queries.ts, as schemas.

export type HaloQueryValues = Readonly<Record<string, string | number | boolean | undefined>>

/** Builds a query string, leaving out undefined values. Returns `''` or `?a=1&b=2`. */
export const toQueryString = (query: HaloQueryValues | undefined): string => {
  if (!query) return ''
  const params = new URLSearchParams()
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined) params.set(key, String(value))
  }
  const text = params.toString()
  return text ? `?${text}` : ''
}

/**
 * `HALO_SANDBOX_RATE_LIMIT`: `<requests>` per rolling five minutes (hosted Halo's window), or
 * `<requests>/<seconds>`. Undefined when unset or 0.
 */
export const parseSandboxRateLimit = (
  text: string | undefined,
): { limit: number; windowMs: number } | undefined => {
  const match = /^(\d+)(?:\/(\d+))?$/.exec(text?.trim() ?? '')
  if (!match) return undefined
  const limit = Number(match[1])
  const seconds = match[2] === undefined ? 300 : Number(match[2])
  return limit > 0 && seconds > 0 ? { limit, windowMs: seconds * 1000 } : undefined
}

import { ConfigError, HaloApiError } from '../shared/errors.js'

// What every check of `npm run doctor` reports, and the words they share.

/** The Halo a command talks to, with where each setting came from (named in the fixes). */
export type HaloTarget = {
  url: string
  tenant: string | undefined
  clientId: string
  clientSecret: string
  /** Where to change each setting: `HALO_CLIENT_SECRET`, `halo.clientSecret in secrets.json`... */
  from: { url: string; tenant: string; clientId: string; clientSecret: string }
}

/** One check's verdict. A problem names what is wrong and, in `fix`, what to do. */
export type DoctorFinding = {
  /** What was checked: `Halo URL`, `token`, `ticket type 21`... */
  check: string
  /** The route the check belongs to; undefined for the Halo-wide checks. */
  route?: string
  status: 'ok' | 'problem'
  detail: string
  /** Stable name of the problem (`secret_wrong`, `outcome_unknown`...), for tests and scripts. */
  code?: string
  fix?: string
}

/** The scope halo-hooks asks for (the Halo client's default). */
export const SCOPE = 'all'

/** A check that passed. */
export const ok = (check: string, detail: string, route?: string): DoctorFinding => ({
  check,
  status: 'ok',
  detail,
  ...(route === undefined ? {} : { route }),
})

/** A check that found a problem: its stable code, what is wrong, and what to do. */
export const problem = (
  check: string,
  code: string,
  detail: string,
  fix: string,
  route?: string,
): DoctorFinding => ({
  check,
  status: 'problem',
  detail,
  code,
  fix,
  ...(route === undefined ? {} : { route }),
})

/** The Halo failure behind an error, when there is one (a refused token wraps it). */
export const haloCause = (error: unknown): HaloApiError | undefined =>
  error instanceof HaloApiError
    ? error
    : error instanceof ConfigError && error.cause instanceof HaloApiError
      ? error.cause
      : undefined

/** What Halo said, or what went wrong, in a few words for a detail line. */
export const said = (error: unknown): string => {
  const cause = haloCause(error)
  if (cause?.haloMessage) {
    // A web page says nothing useful in one line; that it is one says a lot.
    return /^\s*</.test(cause.haloMessage)
      ? `HTTP ${cause.status}, an HTML page`
      : cause.haloMessage
  }
  if (cause?.status !== undefined && cause.kind === 'http') return `HTTP ${cause.status}`
  return error instanceof Error ? error.message : String(error)
}

/** Where the API application's settings are, named in fixes. */
export const APPLICATION = 'the API application (Halo: Configuration > Integrations > Halo API)'

const LABEL = { ok: 'ok     ', problem: 'problem', fix: 'fix    ' } as const

/** One finding as `ok` / `problem` lines, with a `fix` line under a problem. */
export const formatFinding = (finding: DoctorFinding, indent = '  '): string[] => {
  // A detail of several lines (every issue of a config) stays under its label.
  const hang = (text: string) => text.replaceAll('\n', `\n${indent}${' '.repeat(9)}`)
  return [
    `${indent}${LABEL[finding.status]}  ${finding.check}: ${hang(finding.detail)}` +
      (finding.code ? ` [${finding.code}]` : ''),
    ...(finding.fix ? [`${indent}${LABEL.fix}  ${hang(finding.fix)}`] : []),
  ]
}

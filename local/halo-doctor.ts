import type { CompiledConfig } from '../shared/config/compile-config.js'
import type { HaloClient } from '../shared/halo/halo-client.js'
import type { HaloGrant } from '../shared/halo/halo-token-source.js'
import type { HaloAgent, HaloAuthInfo } from '../shared/halo/schemas.js'
import {
  APPLICATION,
  type DoctorFinding,
  formatFinding,
  type HaloTarget,
  haloCause,
  ok,
  problem,
  SCOPE,
  said,
} from './doctor-findings.js'
import { checkRoutes } from './doctor-route-checks.js'
import { writeTest } from './doctor-write-test.js'

const urlFix = (target: HaloTarget): string => {
  const path = new URL(target.url).pathname.replace(/\/+$/, '')
  const extra = /\/(api|auth)$/i.test(path)
    ? ` without the trailing ${path.slice(path.lastIndexOf('/'))}`
    : ''
  return (
    `set ${target.from.url} to your Halo instance's root${extra}, e.g. https://acme.halopsa.com ` +
    '(Halo shows it under Configuration > Integrations > Halo API, as the resource server without /api)'
  )
}

const unreachable = (error: unknown, target: HaloTarget): DoctorFinding =>
  problem(
    'Halo URL',
    'url_unreachable',
    `${target.url} did not answer (${said(error)})`,
    `check ${target.from.url} and that this machine can reach it; ${urlFix(target)}`,
  )

const isUnreachable = (error: unknown) => {
  const kind = haloCause(error)?.kind
  return kind === 'network' || kind === 'timeout'
}

/**
 * What a refused or failed token request means, from Halo's answer: which of URL, tenant, client
 * id, secret or scope is wrong. `info` is what `/api/authinfo` said, when it was read: it names
 * the tenant the instance expects.
 */
export const diagnoseToken = (
  error: unknown,
  target: HaloTarget,
  info?: HaloAuthInfo,
): DoctorFinding => {
  const cause = haloCause(error)
  if (isUnreachable(error)) return unreachable(error, target)
  if (cause?.status === 404) {
    return problem(
      'Halo URL',
      'url_not_halo',
      `${target.url} has no Halo token endpoint (${error instanceof Error ? error.message : said(error)})`,
      urlFix(target),
    )
  }
  const description = (cause?.haloMessage ?? '').toLowerCase()
  const expected = info?.tenant_id ?? undefined
  if (cause?.haloCode === 'invalid_scope') {
    return problem(
      'token',
      'scope_refused',
      `Halo refused the scope "${SCOPE}" (${said(error)})`,
      `allow ${APPLICATION} the "${SCOPE}" permission: halo-hooks asks for it`,
    )
  }
  if (cause?.haloCode === 'invalid_client') {
    if (
      description.includes('tenant') ||
      (expected !== undefined && target.tenant !== undefined && expected !== target.tenant)
    ) {
      return problem(
        'tenant',
        'tenant_wrong',
        `Halo refused the tenant "${target.tenant ?? ''}"` +
          (expected ? ` (this instance's /api/authinfo names "${expected}")` : '') +
          ` (${said(error)})`,
        expected
          ? `set ${target.from.tenant} to "${expected}", or remove it: halo-hooks then reads it from /api/authinfo`
          : `set ${target.from.tenant} to your hosted Halo's tenant (the name in ?tenant= of its API details)`,
      )
    }
    if (description.includes('client_id')) {
      return problem(
        'token',
        'client_id_unknown',
        `Halo does not know the client id (${said(error)})`,
        `set ${target.from.clientId} to the Client ID of ${APPLICATION}, as shown after saving it ` +
          '(it may change on the first save)',
      )
    }
    if (description.includes('credentials') || description.includes('secret')) {
      return problem(
        'token',
        'secret_wrong',
        `Halo knows the client id but refused the secret (${said(error)})`,
        `set ${target.from.clientSecret} to the Client Secret of ${APPLICATION}; ` +
          'Halo shows a secret only once, so make a new one if it is lost',
      )
    }
    return problem(
      'token',
      'credentials_refused',
      `Halo refused the client id or secret (${said(error)})`,
      `check ${target.from.clientId} and ${target.from.clientSecret} against ${APPLICATION}`,
    )
  }
  if (cause?.retryable !== false) {
    return problem(
      'token',
      'token_failed',
      `no token from Halo's auth server (${said(error)})`,
      "Halo or the way to it failed; try again in a few minutes, and check Halo's status if it persists",
    )
  }
  return problem(
    'token',
    'token_refused',
    `Halo refused the token request (${said(error)})`,
    `check ${target.from.clientId}, ${target.from.clientSecret}, ${target.from.tenant} and ${APPLICATION}`,
  )
}

/** A problem with the scopes Halo granted, or undefined when they include what we asked for. */
const grantedScopeProblem = (grant: HaloGrant): DoctorFinding | undefined => {
  const granted = grant.grantedScope?.split(/\s+/).filter(Boolean)
  if (granted === undefined || granted.includes(SCOPE)) return undefined
  return problem(
    'token',
    'scope_missing',
    `Halo granted only "${grant.grantedScope}", not "${SCOPE}": some calls will be refused (403)`,
    `allow ${APPLICATION} the "${SCOPE}" permission`,
  )
}

/**
 * Asks Halo for a token as the gateway would and says whether it worked: one finding, `ok` or the
 * problem from {@link diagnoseToken}. What `npm start` checks before it serves.
 */
export const checkHaloCredentials = async (
  halo: Pick<HaloClient, 'grant'>,
  target: HaloTarget,
): Promise<DoctorFinding> => {
  try {
    const grant = await halo.grant()
    return grantedScopeProblem(grant) ?? ok('token', `Halo issued a token for scope "${SCOPE}"`)
  } catch (error) {
    return diagnoseToken(error, target)
  }
}

/** Problems that make Halo refuse every request: deliveries are parked, not retried. */
const REFUSALS = new Set([
  'url_not_halo',
  'tenant_wrong',
  'client_id_unknown',
  'secret_wrong',
  'credentials_refused',
  'scope_refused',
  'token_refused',
])

/**
 * What `npm start` prints after its banner about {@link checkHaloCredentials}: one line when Halo
 * took the credentials, a block nobody can miss when it did not, naming the fix.
 */
export const startupLines = (finding: DoctorFinding): string[] => {
  if (finding.status === 'ok')
    return [`  check:   ${finding.detail} (npm run doctor checks the routes)`]
  const effect = REFUSALS.has(finding.code ?? '')
    ? 'every alert will be parked (config_invalid) until this is fixed'
    : 'deliveries will be retried until Halo answers'
  return [
    '',
    `  !! HALO PROBLEM: ${finding.check}: ${finding.detail} [${finding.code}]`,
    `  !! ${effect}`,
    `  !! fix: ${finding.fix}; then restart npm start (npm run doctor checks everything)`,
    '',
  ]
}

// ── Halo-wide checks: URL, tenant, token, agent ─────────────────────────────────────────────────

type AccessResult = { findings: DoctorFinding[]; agent?: HaloAgent; usable: boolean }

const checkAccess = async (halo: HaloClient, target: HaloTarget): Promise<AccessResult> => {
  const findings: DoctorFinding[] = []
  let info: HaloAuthInfo | undefined
  let authInfoFailure: unknown
  try {
    info = await halo.authInfo()
  } catch (error) {
    if (isUnreachable(error)) return { findings: [unreachable(error, target)], usable: false }
    if (haloCause(error)?.kind === 'invalid_response') {
      const finding = problem(
        'Halo URL',
        'url_not_halo',
        `${target.url} is not Halo: ${said(error)}`,
        urlFix(target),
      )
      return { findings: [finding], usable: false }
    }
    // An older Halo has no /api/authinfo; the token request decides.
    authInfoFailure = error
  }

  let grant: HaloGrant
  try {
    grant = await halo.grant()
  } catch (error) {
    if (authInfoFailure !== undefined && haloCause(error)?.haloCode === undefined) {
      // Halo's auth server answers a refusal in OAuth's words; neither endpoint did.
      const finding = problem(
        'Halo URL',
        'url_not_halo',
        `${target.url} is not Halo: neither /api/authinfo (${said(authInfoFailure)}) nor /auth/token (${said(error)}) answers as Halo does`,
        urlFix(target),
      )
      return { findings: [finding], usable: false }
    }
    const verdict = diagnoseToken(error, target, info)
    if (verdict.check !== 'Halo URL') findings.push(urlAnswers(target, info))
    if (verdict.check === 'token') findings.push(tenantVerdict(target, info, false))
    findings.push(verdict)
    return { findings, usable: false }
  }
  findings.push(urlAnswers(target, info), tenantVerdict(target, info, true))
  findings.push(
    grantedScopeProblem(grant) ??
      ok('token', `Halo issued a token for scope "${SCOPE}" at ${grant.tokenUrl}`),
  )

  try {
    const agent = await halo.currentAgent()
    const teams = (agent.teams ?? []).map((team) => team.team_name).filter(Boolean)
    const who = `"${agent.name ?? '?'}" (id ${agent.id})`
    findings.push(
      agent.isdisabled
        ? problem(
            'agent',
            'agent_disabled',
            `the API application acts as agent ${who}, which is disabled`,
            `enable that agent, or choose an enabled one as "Agent to log in as" in ${APPLICATION}`,
          )
        : ok(
            'agent',
            `acts as agent ${who}` +
              (agent.isapiagent === false
                ? ', a licensed agent (Halo recommends an API-only one)'
                : '') +
              (teams.length ? `, member of ${teams.join(', ')}` : ', in no team'),
          ),
    )
    return { findings, agent, usable: true }
  } catch (error) {
    findings.push(
      problem(
        'agent',
        'agent_unreadable',
        `cannot read the agent the API acts as (GET /Agent/me: ${said(error)})`,
        `check "Agent to log in as" in ${APPLICATION}`,
      ),
    )
    return { findings, usable: true }
  }
}

/** The URL line when Halo answered, with or without `/api/authinfo` (older instances lack it). */
const urlAnswers = (target: HaloTarget, info: HaloAuthInfo | undefined): DoctorFinding =>
  ok(
    'Halo URL',
    info
      ? `${target.url} answers as Halo`
      : `${target.url} answers as Halo (an older one, without /api/authinfo)`,
  )

/** The tenant line: what was sent, and that Halo took it when it issued a token. */
const tenantVerdict = (
  target: HaloTarget,
  info: HaloAuthInfo | undefined,
  accepted: boolean,
): DoctorFinding => {
  if (target.tenant) {
    return ok('tenant', `"${target.tenant}" (${target.from.tenant})${accepted ? ' accepted' : ''}`)
  }
  if (info?.tenant_id) return ok('tenant', `"${info.tenant_id}", read from /api/authinfo`)
  return ok('tenant', 'none (this Halo does not name one)')
}

// ── the whole run ───────────────────────────────────────────────────────────────────────────────

export type DoctorOptions = {
  /** A client built with the settings the gateway or the stack uses. */
  halo: HaloClient
  target: HaloTarget
  config: CompiledConfig
  /** Create, note and close one clearly labelled ticket through this route (one of `config`'s). @default no writes */
  writeTest?: { route: string } | undefined
  now?: () => Date
}

/** Every check's verdict, in order, how many problems, and whether the write test ran. */
export type DoctorReport = { findings: DoctorFinding[]; problems: number; wrote: boolean }

/**
 * Checks, in order and without writing anything, that Halo answers at the URL, takes the tenant
 * and credentials, which agent the API acts as, and, for every route, that each fixed id its
 * templates send exists and is usable, the ticket type's mandatory fields are set, and the lookups
 * its tenant policy makes are allowed. With `writeTest`, and only when all of that is ok, it then
 * creates one labelled ticket through that route's fixed fields, notes it and closes it.
 */
export const runHaloDoctor = async (options: DoctorOptions): Promise<DoctorReport> => {
  const { halo, target, config } = options
  const access = await checkAccess(halo, target)
  const findings = [...access.findings]
  if (access.usable) findings.push(...(await checkRoutes(halo, config, access.agent)))
  const write = options.writeTest
  let wrote = false
  const route = write && config.config.routes[write.route]
  if (write && route && access.usable && !findings.some((f) => f.status === 'problem')) {
    wrote = true
    findings.push(await writeTest(halo, write.route, route, options.now ?? (() => new Date())))
  }
  return { findings, problems: findings.filter((f) => f.status === 'problem').length, wrote }
}

/** The report as lines: the Halo-wide checks, then each route's, then a verdict. */
export const formatReport = (report: DoctorReport): string[] => {
  const { wrote } = report
  const lines: string[] = []
  let route: string | undefined
  for (const finding of report.findings) {
    if (finding.route !== route) {
      route = finding.route
      if (route !== undefined) lines.push(`route ${route}`)
    }
    lines.push(...formatFinding(finding))
  }
  if (!report.findings.some((f) => f.route !== undefined) && report.problems > 0) {
    lines.push('  (the routes were not checked: they need a working token)')
  }
  lines.push(
    report.problems > 0
      ? `${report.problems} problem${report.problems === 1 ? '' : 's'} found${wrote ? '' : '; nothing was written to Halo'}`
      : wrote
        ? 'everything ok, and the write test passed'
        : 'everything ok; nothing was written to Halo (--write-test creates, notes and closes one test ticket)',
  )
  return lines
}

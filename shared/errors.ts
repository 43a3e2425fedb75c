/** What every {@link AppError} may carry besides its message. */
export type AppErrorOptions = ErrorOptions & {
  /** Field paths and the rules they broke, never values. */
  issues?: readonly string[]
  /** How long to wait before the same input could succeed, when the failure knows it. */
  retryAfterMs?: number | undefined
}

/**
 * Failures raised on purpose, and the only kind the system raises. `code` is the stable identity
 * that logs, metrics, tests and responses key on; `retryable` says whether the same input could
 * succeed later, `retryAfterMs` when; `issues` are the field paths and rules that failed. The
 * message is safe detail: it never holds a secret, a signature or a payload value. No HTTP
 * status lives here: each edge maps codes to its own protocol in one table.
 *
 * Each class sets its own `name`: the Lambda bundles are minified without keeping names, so the
 * class's name is not there to read (test/unit/error-names.test.ts bundles this file so).
 */
export abstract class AppError extends Error {
  abstract readonly code: string
  abstract readonly retryable: boolean
  readonly issues: readonly string[]
  readonly retryAfterMs: number | undefined

  constructor(message: string, options: AppErrorOptions = {}) {
    const { issues = [], retryAfterMs, ...errorOptions } = options
    super(message, errorOptions)
    this.issues = issues
    this.retryAfterMs = retryAfterMs
  }

  /** The message with its field issues in one line, for logs, park reasons and rejections. */
  get detail(): string {
    return this.issues.length ? `${this.message}: ${this.issues.join('; ')}` : this.message
  }
}

/** An AppError class with a fixed code and retryability, for failures that need nothing more. */
const errorClass = <Code extends string>(
  code: Code,
  retryable: boolean,
  defaults: AppErrorOptions = {},
) =>
  class extends AppError {
    readonly code: Code = code
    readonly retryable: boolean = retryable

    constructor(message: string, options: AppErrorOptions = {}) {
      super(message, { ...defaults, ...options })
    }
  }

/** What an AppError may tell outside: its code, message and field issues, never a value. */
export const describeError = (error: AppError) => ({
  code: error.code,
  detail: error.message,
  ...(error.issues.length ? { issues: error.issues } : {}),
})

// ── ingest: who sent it and what it is ─────────────────────────────────────────────────────────

/** The request did not prove it came from the route's sender. `code` names the rule that failed. */
export class AuthenticationError extends AppError {
  override name = 'AuthenticationError'
  readonly retryable = false

  constructor(
    readonly code: 'signature_missing' | 'signature_invalid' | 'timestamp_invalid' | 'auth_invalid',
    message: string,
  ) {
    super(message)
  }
}

/** The body is not something the route accepts. Carries field paths and rules, never values. */
export class PayloadError extends AppError {
  override name = 'PayloadError'
  readonly retryable = false

  constructor(
    readonly code: 'body_invalid' | 'payload_invalid' | 'payload_too_large' | 'media_unsupported',
    message: string,
    issues: readonly string[] = [],
  ) {
    super(message, { issues })
  }
}

export class UnknownRouteError extends errorClass('route_unknown', false) {
  override name = 'UnknownRouteError'
}

// ── configuration: what the operator set ───────────────────────────────────────────────────────

/** A configuration, environment or secret file is invalid. `issues` lists every problem at once. */
export class ConfigError extends AppError {
  override name = 'ConfigError'
  readonly code = 'config_invalid'
  readonly retryable = false

  constructor(message: string, issues: readonly string[] = [], options?: ErrorOptions) {
    super(issues.length ? `${message}:\n  - ${issues.join('\n  - ')}` : message, {
      ...options,
      issues,
    })
  }

  /** The message already lists every issue. */
  override get detail(): string {
    return this.message
  }
}

/** The deployment is missing a setting deliver needs; messages wait (deferred) until it is set. */
export class DeployIncompleteError extends errorClass('deploy_incomplete', true) {
  override name = 'DeployIncompleteError'
}

/** A JSONata template failed while rendering an alert (not at compile time). */
export class TemplateError extends errorClass('template_failed', false) {
  override name = 'TemplateError'
}

/** No rule routed the alert to a Halo client, and the route names no fallback. */
export class UnroutableError extends errorClass('unroutable', false) {
  override name = 'UnroutableError'
}

// ── infrastructure: the queue, the stores, the secret ──────────────────────────────────────────

/** The queue did not accept every envelope; the sender must retry. */
export class QueueError extends errorClass('queue_unavailable', true) {
  override name = 'QueueError'
}

/** The state store failed (throttled, unreachable): the delivery is retried later. */
export class StateStoreError extends errorClass('state_store_unavailable', true) {
  override name = 'StateStoreError'
}

/** Another worker changed the record between our read and our write: retry shortly. */
export class StateConflictError extends errorClass('state_conflict', true, {
  retryAfterMs: 1_000,
}) {
  override name = 'StateConflictError'
}

/** A sender's signing key (an SNS certificate) could not be fetched; the sender should retry. */
export class SigningKeyUnavailableError extends errorClass('signing_key_unavailable', true) {
  override name = 'SigningKeyUnavailableError'
}

/**
 * An earlier envelope's write to Halo (stored as intended, not recorded as done) could not be
 * confirmed or completed yet; the envelope behind it waits rather than guess.
 */
export class InterruptedWriteError extends errorClass('interrupted_write_unresolved', true) {
  override name = 'InterruptedWriteError'
}

/** The secret store could not be read; the request or delivery is retried later. */
export class SecretUnavailableError extends errorClass('secret_unavailable', true) {
  override name = 'SecretUnavailableError'
}

/** The shared rate budget could not be read or written; deliveries are retried later. */
export class RateBudgetUnavailableError extends errorClass('rate_budget_unavailable', true) {
  override name = 'RateBudgetUnavailableError'
}

/**
 * The local gateway's state file cannot be used as it is: held by another running process, not
 * writable, not a halo-hooks database, or of a schema this version cannot read. The message
 * names the file and the fix; nothing was changed in it.
 */
export class LocalStateError extends AppError {
  override name = 'LocalStateError'
  readonly retryable = false

  constructor(
    readonly code:
      | 'state_locked'
      | 'state_unwritable'
      | 'state_not_ours'
      | 'state_schema_newer'
      | 'state_migration_failed',
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options)
  }
}

// ── Halo ───────────────────────────────────────────────────────────────────────────────────────

/**
 * Why a Halo request failed: Halo answered non-2xx (`http`), it did not answer in time
 * (`timeout`), the connection failed (`network`), the rate budget had no slot before the caller's
 * deadline (`budget`), the worker's own deadline left no time to send it (`deadline`), we refused
 * to send a body that fails our own schema (`invalid_request`), or Halo answered 2xx with a body
 * we could not read (`invalid_response`).
 */
export type HaloFailureKind =
  | 'http'
  | 'timeout'
  | 'network'
  | 'budget'
  | 'deadline'
  | 'invalid_request'
  | 'invalid_response'

/** What a {@link HaloApiError} carries besides status and message. */
export type HaloFailure = {
  kind: HaloFailureKind
  /** `GET /Tickets` style label, without ids or query, safe for logs and metrics. */
  endpoint: string
  /** Halo's own message, parsed from whichever body shape it used. */
  haloMessage?: string | undefined
  /** The auth server's OAuth error code (`invalid_client`, `invalid_scope`), when it sent one. */
  haloCode?: string | undefined
  /** Field-keyed model-binding errors (`[0].client_id` → messages), when Halo sent them. */
  fieldErrors?: Readonly<Record<string, readonly string[]>> | undefined
  /**
   * How long to wait before trying again, when Halo said so (`Retry-After`) or the rate budget
   * did. Absent otherwise: the caller's own schedule applies. A worker defers its message by it.
   */
  retryAfterMs?: number | undefined
  /** @default by status: timeouts, 408, 429 and 5xx are transient; other 4xx are our mistake */
  retryable?: boolean | undefined
  /** Which fields of a body we refused to send, or could not read, failed which rule. */
  issues?: readonly string[]
}

/** Statuses worth trying again later: timeout, rate limit and server-side failures. */
export const isRetryableStatus = (status: number): boolean =>
  status === 408 || status === 429 || status >= 500

/** Per failure kind: could a write the request carried have reached Halo? */
const MAY_HAVE_WRITTEN: Record<HaloFailureKind, (status: number | undefined) => boolean> = {
  // The answer was lost, or Halo said 2xx with a body we could not read.
  timeout: () => true,
  network: () => true,
  invalid_response: () => true,
  // A 5xx may come after Halo committed; an answered 4xx (429 included) wrote nothing.
  http: (status) => status === undefined || status >= 500,
  // Never sent.
  budget: () => false,
  deadline: () => false,
  invalid_request: () => false,
}

/**
 * Every failed Halo request, whatever the cause, with what a worker needs to decide between
 * retry, defer and park, and whether a write it carried may have been committed.
 */
export class HaloApiError extends AppError {
  override name = 'HaloApiError'
  readonly code = 'halo_request_failed'
  readonly retryable: boolean
  readonly kind: HaloFailureKind
  readonly endpoint: string
  readonly haloMessage: string | undefined
  readonly haloCode: string | undefined
  readonly fieldErrors: Readonly<Record<string, readonly string[]>> | undefined

  constructor(
    readonly status: number | undefined,
    message: string,
    failure: HaloFailure,
    options?: ErrorOptions,
  ) {
    super(message, { ...options, retryAfterMs: failure.retryAfterMs, issues: failure.issues })
    this.kind = failure.kind
    this.endpoint = failure.endpoint
    this.haloMessage = failure.haloMessage
    this.haloCode = failure.haloCode
    this.fieldErrors = failure.fieldErrors
    this.retryable = failure.retryable ?? (status === undefined || isRetryableStatus(status))
  }

  /**
   * Whether a write this request carried may have reached Halo: Halo answered 2xx with a body we
   * could not read, or the answer was lost (timeout, dropped connection, 5xx after sending). An
   * answered 4xx (429 included), a budget refusal and our own refusal to send wrote nothing.
   */
  get mayHaveWritten(): boolean {
    return MAY_HAVE_WRITTEN[this.kind](this.status)
  }
}

// ── outbound: resolving at the source ─────────────────────────────────────────────────────────

/**
 * A call to a source's own API (PagerDuty, Datto RMM, Alertmanager, a webhook receiver) failed.
 * `outbound_credentials_refused` (401, 403) is permanent: the secret must be fixed, so the message
 * is parked with the reason. `outbound_request_failed` is retryable for timeouts, network errors,
 * 408, 429 and 5xx (with the wait the API named), and permanent for any other answer.
 */
export class OutboundApiError extends AppError {
  override name = 'OutboundApiError'
  readonly code: 'outbound_request_failed' | 'outbound_credentials_refused'
  readonly retryable: boolean

  constructor(
    /** The source API, e.g. `pagerduty`; with `endpoint`, safe for logs and metrics. */
    readonly target: string,
    /** `PUT /incidents/{id}` style label, without ids. */
    readonly endpoint: string,
    /** The HTTP status, or undefined when no answer came (timeout, network). */
    readonly status: number | undefined,
    message: string,
    /** `credentialsRefused`: the API said so in a body, e.g. an OAuth 400 `invalid_grant`. */
    {
      credentialsRefused = false,
      ...options
    }: AppErrorOptions & { credentialsRefused?: boolean } = {},
  ) {
    super(message, options)
    const refused = credentialsRefused || status === 401 || status === 403
    this.code = refused ? 'outbound_credentials_refused' : 'outbound_request_failed'
    this.retryable = !refused && (status === undefined || isRetryableStatus(status))
  }
}

/** The alert carries nothing the source's API could find it by (no incident id, no labels). */
export class SourceReferenceError extends errorClass('source_reference_missing', false) {
  override name = 'SourceReferenceError'
}

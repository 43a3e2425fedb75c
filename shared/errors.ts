/**
 * Failures raised on purpose. `code` is the stable identity that logs, metrics, tests and
 * responses key on; `retryable` says whether the same input could succeed later. No HTTP status
 * lives here: each edge maps codes to its own protocol in one table.
 */
export abstract class AppError extends Error {
  abstract readonly code: string
  abstract readonly retryable: boolean

  constructor(message: string, options?: ErrorOptions) {
    super(message, options)
    this.name = new.target.name // bundles use keepNames so this survives minification
  }
}

/** The request did not prove it came from the route's sender. `code` names the rule that failed. */
export class AuthenticationError extends AppError {
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
  readonly retryable = false

  constructor(
    readonly code: 'body_invalid' | 'payload_invalid' | 'payload_too_large' | 'media_unsupported',
    message: string,
    readonly issues: readonly string[] = [],
  ) {
    super(message)
  }
}

export class UnknownRouteError extends AppError {
  readonly code = 'route_unknown'
  readonly retryable = false
}

/** The queue did not accept every envelope; the sender must retry. */
export class QueueError extends AppError {
  readonly code = 'queue_unavailable'
  readonly retryable = true
}

/** A configuration or secret file is invalid. `issues` lists every problem at once. */
export class ConfigError extends AppError {
  readonly code = 'config_invalid'
  readonly retryable = false

  constructor(
    message: string,
    readonly issues: readonly string[] = [],
    options?: ErrorOptions,
  ) {
    super(issues.length ? `${message}:\n  - ${issues.join('\n  - ')}` : message, options)
  }
}

/** A JSONata template failed while rendering an alert (not at compile time). */
export class TemplateError extends AppError {
  readonly code = 'template_failed'
  readonly retryable = false
}

/** Any non-2xx answer from Halo, or no answer at all. */
export class HaloApiError extends AppError {
  readonly code = 'halo_request_failed'
  readonly retryable: boolean

  constructor(
    readonly status: number | undefined,
    message: string,
    options?: ErrorOptions & { retryable?: boolean },
  ) {
    super(message, options)
    // Timeouts, 408, 429 and 5xx are transient; other 4xx mean our request is wrong.
    this.retryable =
      options?.retryable ??
      (status === undefined || status === 408 || status === 429 || status >= 500)
  }
}

/** The field issues an error carries (PayloadError, ConfigError), else none. */
export const issuesOf = (error: unknown): readonly string[] => {
  const issues = (error as { issues?: unknown } | null | undefined)?.issues
  return Array.isArray(issues) ? issues.filter((issue) => typeof issue === 'string') : []
}

/** What an AppError may tell outside: its code, message and field issues, never a value. */
export const describeError = (error: AppError) => {
  const issues = issuesOf(error)
  return { code: error.code, detail: error.message, ...(issues.length ? { issues } : {}) }
}

/** A sender's signing key (an SNS certificate) could not be fetched; the sender should retry. */
export class SigningKeyUnavailableError extends AppError {
  readonly code = 'signing_key_unavailable'
  readonly retryable = true
}

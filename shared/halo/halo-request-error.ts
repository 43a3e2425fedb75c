import { HaloApiError } from '../errors.js'

/**
 * Why a Halo request failed: Halo answered non-2xx (`http`), it did not answer in time
 * (`timeout`), the connection failed (`network`), the rate budget had no slot before the caller's
 * deadline (`budget`), we refused to send a body that fails our own schema (`invalid_request`), or
 * Halo answered 2xx with a body we could not read (`invalid_response`).
 */
export type HaloFailureKind =
  | 'http'
  | 'timeout'
  | 'network'
  | 'budget'
  | 'invalid_request'
  | 'invalid_response'

/** What a {@link HaloRequestError} carries besides status and message. */
export type HaloRequestErrorDetails = {
  kind: HaloFailureKind
  /** `GET /Tickets` style label, without ids or query, safe for logs and metrics. */
  endpoint: string
  /** Halo's own message, parsed from whichever body shape it used. */
  haloMessage?: string | undefined
  /** Field-keyed model-binding errors (`[0].client_id` → messages), when Halo sent them. */
  fieldErrors?: Readonly<Record<string, readonly string[]>> | undefined
  /**
   * How long to wait before trying again, when Halo said so (`Retry-After`) or the rate budget
   * did. Absent otherwise: the caller's own schedule applies. A worker defers its message by it.
   */
  retryAfterMs?: number | undefined
  retryable?: boolean | undefined
}

/**
 * Every failed Halo request, whatever the cause. It is a {@link HaloApiError} (code
 * `halo_request_failed`), so edges that only know the base class keep working; this class adds
 * what a worker needs to decide between retry, defer and park.
 */
export class HaloRequestError extends HaloApiError {
  readonly kind: HaloFailureKind
  readonly endpoint: string
  readonly haloMessage: string | undefined
  readonly fieldErrors: Readonly<Record<string, readonly string[]>> | undefined
  readonly retryAfterMs: number | undefined

  constructor(
    status: number | undefined,
    message: string,
    details: HaloRequestErrorDetails,
    options?: ErrorOptions,
  ) {
    super(status, message, { ...options, retryable: details.retryable })
    this.kind = details.kind
    this.endpoint = details.endpoint
    this.haloMessage = details.haloMessage
    this.fieldErrors = details.fieldErrors
    this.retryAfterMs = details.retryAfterMs
  }
}

/** Statuses worth trying again later: timeout, rate limit and server-side failures. */
export const isRetryableStatus = (status: number): boolean =>
  status === 408 || status === 429 || status >= 500

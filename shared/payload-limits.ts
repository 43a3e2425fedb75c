/**
 * How large a webhook body may be, derived from the two limits it passes through in AWS: the
 * Lambda invoke that carries it to ingest, and the SQS message that carries its envelope to
 * deliver. The stack pins the queues to {@link QUEUE_MAX_MESSAGE_BYTES}, the SQS adapter refuses
 * an envelope over {@link MAX_ENVELOPE_BYTES} (413), and the config schema refuses a
 * `maxBodyBytes` over {@link MAX_BODY_BYTES}.
 */

/** The queues' `MaximumMessageSize`: the most SQS allows. */
export const QUEUE_MAX_MESSAGE_BYTES = 1_048_576

/** A synchronous Lambda invoke's request payload limit, which holds the whole API Gateway event. */
export const LAMBDA_MAX_INVOKE_BYTES = 6_291_456

/**
 * Room a queued envelope leaves for the attributes deliver adds when it parks it in the
 * dead-letter queue (a reason of up to 1,000 characters, its code, time and receive count): SQS
 * counts attributes in the message size, and the DLQ has the same limit.
 */
export const PARK_ATTRIBUTES_RESERVE_BYTES = 4_096

/** The largest envelope ingest queues: one that can still be parked with its reason. */
export const MAX_ENVELOPE_BYTES = QUEUE_MAX_MESSAGE_BYTES - PARK_ATTRIBUTES_RESERVE_BYTES

/**
 * Room an envelope takes beside the sender's payload (`raw`): the alert's text at its caps
 * (description 100,000 characters, title, key, URL, resource) at 3 UTF-8 bytes per character,
 * the envelope's own fields, and the park attributes. Labels an alert copies from the payload are
 * not bounded here: an envelope that still comes out too large is refused with 413 by the queue.
 */
export const ENVELOPE_RESERVE_BYTES = 327_680

/**
 * Room an API Gateway (or function URL) event takes around the body: headers (HTTP APIs allow
 * 10 KiB of request line and headers), the query string twice, cookies and the request context.
 */
export const EVENT_RESERVE_BYTES = 65_536

/**
 * The largest `maxBodyBytes` a route may set (704 KiB): the body with its envelope fits one queue
 * message, and the body base64-encoded (as API Gateway sends a binary body) with its event fits
 * one Lambda invoke. The queue message is the tighter of the two.
 */
export const MAX_BODY_BYTES = Math.min(
  QUEUE_MAX_MESSAGE_BYTES - ENVELOPE_RESERVE_BYTES,
  Math.floor((LAMBDA_MAX_INVOKE_BYTES - EVENT_RESERVE_BYTES) / 4) * 3,
)

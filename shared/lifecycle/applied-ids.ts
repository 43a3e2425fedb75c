import { createHash } from 'node:crypto'

/** The longest id kept as it is; a longer one is kept as a hash of this length. */
const MARK_CHARS = 16

/**
 * How a record keeps an envelope id it applied: 16 characters (96 bits of its hash) instead of
 * the 43 of an envelope id, so the ids a record keeps to recognise redeliveries cost a third of
 * the space, and a record stays nearer one DynamoDB write unit (1 KB). Ids this short or shorter
 * are kept as they are.
 */
export const appliedMark = (envelopeId: string): string =>
  envelopeId.length <= MARK_CHARS
    ? envelopeId
    : createHash('sha256').update(envelopeId).digest('base64url').slice(0, MARK_CHARS)

/**
 * Whether a record applied this envelope before: its mark is kept, or (a record written before
 * marks) the whole id.
 */
export const wasApplied = (record: { applied: readonly string[] }, envelopeId: string): boolean =>
  record.applied.includes(appliedMark(envelopeId)) || record.applied.includes(envelopeId)

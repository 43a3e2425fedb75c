import type { Envelope } from './envelope.js'
import { NOT_SURE, readEnvelope as readSure } from './schema-readers.generated.js'
import { type Parser, schemaReading } from './schema-reading.js'
import type * as z from './zod-mini.js'

// Queue messages as deliver reads them: by the reader compiled from `EnvelopeSchema`, and by the
// schema itself (./envelope-schema.ts, loaded with zod then) for a message the reader is not sure
// of (issue 15). Deliver reads each message three times (the batch's log fields, the delivery,
// the history): a body read before is answered with the envelope it was read as.

const ENVELOPE = schemaReading<Envelope>(
  readSure,
  async () => (await import('./envelope-schema.js')).EnvelopeSchema as unknown as Parser<Envelope>,
)

/** Parsed message bodies already read, and the envelope each was read as. */
const known = new WeakMap<object, Envelope>()

/** The schema, once a message needed it: from then on the synchronous answers can use it too. */
let loaded: Parser<Envelope> | undefined

const remember = (json: unknown, result: z.core.util.SafeParseResult<Envelope>) => {
  if (result.success && typeof json === 'object' && json !== null) known.set(json, result.data)
  return result
}

/** The envelope `json` was read as before, or the reader's answer when it is sure. */
const knownOrSure = (json: unknown): Envelope | undefined => {
  const held = typeof json === 'object' && json !== null ? known.get(json) : undefined
  if (held) return held
  const answer = readSure(json)
  return answer === NOT_SURE
    ? undefined
    : remember(json, { success: true, data: answer as Envelope }).data
}

/** `EnvelopeSchema.safeParse(json)`, once per parsed body. */
export const readEnvelope = async (
  json: unknown,
): Promise<z.core.util.SafeParseResult<Envelope>> => {
  const envelope = knownOrSure(json)
  if (envelope) return { success: true, data: envelope }
  loaded ??= await ENVELOPE.schema()
  return remember(json, loaded.safeParse(json))
}

/**
 * The envelope `json` is, when that is known without waiting: read before, or one the reader is
 * sure of, or answered by the schema once a message has loaded it. Undefined otherwise (then
 * {@link readEnvelope} knows). A batch reads its messages first, so that it is known for each.
 */
export const envelopeIfKnown = (json: unknown): Envelope | undefined => {
  const envelope = knownOrSure(json)
  if (envelope) return envelope
  const result = loaded?.safeParse(json)
  return result?.success ? remember(json, result).data : undefined
}

import type { Alert } from './alert.js'
import { readAlert } from './schema-readers.generated.js'
import { type Parser, schemaReading } from './schema-reading.js'

/**
 * An alert as `AlertSchema` reads it: by its compiled reader, and by the schema (loaded with zod
 * then) for an alert the reader is not sure of.
 */
export const ALERT = schemaReading<Alert>(
  readAlert,
  async () => (await import('./alert-schema.js')).AlertSchema as unknown as Parser<Alert>,
)

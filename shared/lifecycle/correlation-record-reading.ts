import { readCorrelationRecord } from '../schema-readers.generated.js'
import { type Parser, schemaReading } from '../schema-reading.js'
import type { CorrelationRecord } from './correlation-record-schema.js'

/**
 * A state record as `CorrelationRecordSchema` reads it: by its compiled reader, and by the schema
 * (loaded with zod then) for a record the reader is not sure of.
 */
export const CORRELATION_RECORD = schemaReading<CorrelationRecord>(
  readCorrelationRecord,
  async () =>
    (await import('./correlation-record-schema.js'))
      .CorrelationRecordSchema as unknown as Parser<CorrelationRecord>,
)

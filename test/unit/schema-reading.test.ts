import { describe, expect, it } from 'vitest'
import { HALO_READINGS } from '../../shared/halo/halo-readings.js'
import { HaloTicketSchema } from '../../shared/halo/schemas.js'
import { NOT_SURE } from '../../shared/schema-readers.generated.js'
import { readOrThrow, safeRead, schemaReading } from '../../shared/schema-reading.js'

// What a reader is not sure of, the schema answers: the same answer, the same error, as when the
// schema read every value itself.

describe('reading with a schema’s compiled reader', () => {
  // JSON.parse makes `__proto__` an own key, which zod skips and the reader leaves to it.
  const unusual = JSON.parse('{"id": 7, "summary": "Disk", "__proto__": {"polluted": true}}')

  it('answers a value the reader is sure of without the schema', async () => {
    let loads = 0
    const reading = schemaReading(HALO_READINGS.ticket.read, async () => {
      loads++
      return HALO_READINGS.ticket.schema()
    })

    expect(await safeRead(reading, { id: '7', summary: 'Disk' })).toEqual({
      success: true,
      data: { id: 7, summary: 'Disk' },
    })
    expect(loads).toBe(0)
  })

  it('asks the schema for a value the reader is not sure of, and answers as it does', async () => {
    expect(HALO_READINGS.ticket.read(unusual)).toBe(NOT_SURE)

    const answer = await safeRead(HALO_READINGS.ticket, unusual)

    expect(answer).toEqual(HaloTicketSchema.safeParse(unusual))
    expect(answer.success && Object.hasOwn(answer.data, '__proto__')).toBe(false)
  })

  it('gives the schema’s own error for a value it refuses', async () => {
    const invalid = { id: 'seven' }

    const answer = await safeRead(HALO_READINGS.ticket, invalid)

    expect(answer.success).toBe(false)
    expect(answer.error?.issues).toEqual(HaloTicketSchema.safeParse(invalid).error?.issues)
    await expect(readOrThrow(HALO_READINGS.ticket, invalid)).rejects.toThrow(
      HaloTicketSchema.safeParse(invalid).error?.message ?? 'never',
    )
  })

  it('loads the schema again after a failed load, instead of keeping the failure', async () => {
    let attempts = 0
    const reading = schemaReading(
      () => NOT_SURE,
      async () => {
        attempts++
        if (attempts === 1) throw new Error('chunk not found')
        return HALO_READINGS.ticket.schema()
      },
    )

    await expect(safeRead(reading, unusual)).rejects.toThrow('chunk not found')
    expect((await safeRead(reading, unusual)).success).toBe(true)
    expect(attempts).toBe(2)
  })
})

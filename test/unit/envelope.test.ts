import { afterEach, describe, expect, it, vi } from 'vitest'
import { readEnvelope } from '../../shared/envelope-reading.js'
import { EnvelopeSchema } from '../../shared/envelope-schema.js'
import { envelopeFor } from '../support/envelopes.js'

afterEach(() => {
  vi.restoreAllMocks()
})

describe('readEnvelope', () => {
  it('reads a parsed body once, and answers again with the envelope it read', async () => {
    const body: unknown = JSON.parse(JSON.stringify(envelopeFor()))

    const first = await readEnvelope(body)
    const second = await readEnvelope(body)

    expect(first.success && second.success).toBe(true)
    expect(second.data).toBe(first.data)
  })

  it('reads text, and a body that failed, on every call', async () => {
    const text = JSON.stringify(envelopeFor())
    const broken = { ...envelopeFor(), route: '' }
    const validate = vi.spyOn(EnvelopeSchema, 'safeParse')

    expect((await readEnvelope(text)).success).toBe(false)
    expect((await readEnvelope(broken)).success).toBe(false)
    expect((await readEnvelope(broken)).success).toBe(false)

    expect(validate).toHaveBeenCalledTimes(3)
  })
})

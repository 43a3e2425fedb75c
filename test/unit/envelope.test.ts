import { afterEach, describe, expect, it, vi } from 'vitest'
import { EnvelopeSchema, parseEnvelope } from '../../shared/envelope-schema.js'
import { envelopeFor } from '../support/envelopes.js'

afterEach(() => {
  vi.restoreAllMocks()
})

describe('parseEnvelope', () => {
  it('validates a parsed body once, and answers again with the envelope it read', () => {
    const body: unknown = JSON.parse(JSON.stringify(envelopeFor()))
    const validate = vi.spyOn(EnvelopeSchema, 'safeParse')

    const first = parseEnvelope(body)
    const second = parseEnvelope(body)

    expect(first.success && second.success).toBe(true)
    expect(second.data).toBe(first.data)
    expect(validate).toHaveBeenCalledTimes(1)
  })

  it('validates text, and a body that failed, on every call', () => {
    const text = JSON.stringify(envelopeFor())
    const broken = { ...envelopeFor(), route: '' }
    const validate = vi.spyOn(EnvelopeSchema, 'safeParse')

    parseEnvelope(text)
    parseEnvelope(text)
    expect(parseEnvelope(broken).success).toBe(false)
    expect(parseEnvelope(broken).success).toBe(false)

    expect(validate).toHaveBeenCalledTimes(4)
  })
})

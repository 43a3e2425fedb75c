import { describe, expect, it } from 'vitest'
import { envelopeId } from '../../../shared/envelope.js'
import { appliedMark, wasApplied } from '../../../shared/lifecycle/applied-ids.js'

describe('applied envelope ids', () => {
  const id = envelopeId('sha256:abc', { key: 'disk-full', status: 'firing' })

  it('keeps an envelope id as 16 characters, the same each time, and a short id as it is', () => {
    expect(id).toHaveLength(43)
    expect(appliedMark(id)).toHaveLength(16)
    expect(appliedMark(id)).toBe(appliedMark(id))
    expect(appliedMark(envelopeId('sha256:abd', { key: 'disk-full', status: 'firing' }))).not.toBe(
      appliedMark(id),
    )
    expect(appliedMark('halo-close-1')).toBe('halo-close-1')
  })

  it('recognises an id by its mark, and by the whole id a record kept before marks', () => {
    expect(wasApplied({ applied: [appliedMark(id)] }, id)).toBe(true)
    expect(wasApplied({ applied: [id] }, id)).toBe(true)
    expect(wasApplied({ applied: [appliedMark(id)] }, `${id.slice(0, -1)}x`)).toBe(false)
  })

  it('keeps fifty ids in well under a DynamoDB write unit', () => {
    const marks = Array.from({ length: 50 }, (_, n) =>
      appliedMark(envelopeId(`sha256:${n}`, { key: 'k', status: 'firing' })),
    )
    const ids = Array.from({ length: 50 }, (_, n) =>
      envelopeId(`sha256:${n}`, { key: 'k', status: 'firing' }),
    )

    expect(JSON.stringify(marks).length).toBeLessThan(1_000)
    expect(JSON.stringify(ids).length).toBeGreaterThan(2_000)
  })
})

import { describe, expect, it } from 'vitest'
import { PayloadError } from '../../../shared/errors.js'
import { validateOnFirstUse } from '../../../shared/sources/validate-on-first-use.js'
import * as z from '../../../shared/zod-mini.js'

describe('a payload schema loaded on first use', () => {
  it('is loaded once for every payload after, and validates as validatePayload does', async () => {
    let loads = 0
    const validate = validateOnFirstUse(async () => {
      loads++
      return z.object({ id: z.number() })
    }, 'Acme event')

    await expect(validate({ id: 7 })).resolves.toEqual({ id: 7 })
    const refused = validate({ id: 'seven' })
    await expect(refused).rejects.toBeInstanceOf(PayloadError)
    await expect(refused).rejects.toMatchObject({ code: 'payload_invalid' })
    expect(loads).toBe(1)
  })

  it('is tried again by the next payload when loading it failed', async () => {
    let loads = 0
    const validate = validateOnFirstUse(async () => {
      loads++
      if (loads === 1) throw new Error('EMFILE: too many open files')
      return z.object({ id: z.number() })
    }, 'Acme event')

    await expect(validate({ id: 7 })).rejects.toThrow('EMFILE')
    await expect(validate({ id: 7 })).resolves.toEqual({ id: 7 })
    await expect(validate({ id: 8 })).resolves.toEqual({ id: 8 })
    expect(loads).toBe(2)
  })
})

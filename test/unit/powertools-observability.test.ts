import { afterEach, describe, expect, it, vi } from 'vitest'
import { createPowertoolsObservability } from '../../shared/powertools-observability.js'

const emf = () => {
  const lines: string[] = []
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    lines.push(...String(chunk).split('\n'))
    return true
  })
  return () =>
    lines
      .filter((line) => line.includes('"_aws"'))
      .map((line) => JSON.parse(line) as Record<string, unknown>)
}

afterEach(() => {
  vi.restoreAllMocks()
})

describe('createPowertoolsObservability', () => {
  it('writes the counts of an invocation as EMF when flushed, dimensions apart', async () => {
    const written = emf()
    const { count, flush } = createPowertoolsObservability('ingest')

    count('WebhooksReceived')
    count('WebhooksRejected', 1, { code: 'signature_invalid' })
    expect(written()).toEqual([]) // nothing before the flush
    await flush()

    expect(written()).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ WebhooksReceived: 1, service: 'ingest' }),
        expect.objectContaining({ WebhooksRejected: 1, code: 'signature_invalid' }),
      ]),
    )
  })

  it('writes nothing when the invocation counted nothing', async () => {
    const written = emf()
    const { flush } = createPowertoolsObservability('deliver')

    await flush()

    expect(written()).toEqual([])
  })
})

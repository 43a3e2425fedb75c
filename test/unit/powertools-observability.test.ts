import type { Context } from 'aws-lambda'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createPowertoolsObservability } from '../../shared/powertools-observability.js'

/** The JSON lines written from now on (warnings and errors go to stderr): EMF or log lines. */
const written = (kind: 'emf' | 'log') => {
  const lines: string[] = []
  for (const stream of [process.stdout, process.stderr]) {
    vi.spyOn(stream, 'write').mockImplementation((chunk) => {
      lines.push(...String(chunk).split('\n'))
      return true
    })
  }
  return () =>
    lines
      .filter((line) => line.startsWith('{') && line.includes('"_aws"') === (kind === 'emf'))
      .map((line) => JSON.parse(line) as Record<string, unknown>)
}

const emf = () => written('emf')

const invocation = (awsRequestId: string) =>
  ({
    awsRequestId,
    functionName: 'halo-hooks-ingest',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:halo-hooks-ingest',
    memoryLimitInMB: '128',
  }) as Context

beforeEach(() => {
  // As Lambda sets it; Powertools reports a cold start only for on-demand instances.
  vi.stubEnv('AWS_LAMBDA_INITIALIZATION_TYPE', 'on-demand')
})

afterEach(() => {
  vi.restoreAllMocks()
  vi.unstubAllEnvs()
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

  it('writes the lines logged before the logger loaded, in order, with their invocation', async () => {
    const logged = written('log')
    const { logger, addContext, flush } = createPowertoolsObservability('ingest')

    addContext(invocation('first'))
    logger.info('webhook accepted', { route: 'a' })
    logger.warn('webhook rejected', { route: 'b' })
    await flush()

    expect(logged()).toEqual([
      expect.objectContaining({
        level: 'INFO',
        message: 'webhook accepted',
        route: 'a',
        requestId: 'first',
        coldStart: true,
      }),
      expect.objectContaining({ level: 'WARN', message: 'webhook rejected', route: 'b' }),
    ])
  })

  it('marks only the first invocation as the cold start, even when the logger loads later', async () => {
    const logged = written('log')
    const { logger, addContext, flush } = createPowertoolsObservability('deliver')

    addContext(invocation('first'))
    await flush() // nothing logged: the logger is not loaded
    addContext(invocation('second'))
    logger.info('envelope delivered')
    await flush()
    addContext(invocation('third'))
    logger.info('envelope delivered')

    // The compact lines say coldStart only when it is one.
    expect(logged()).toEqual([
      { level: 'INFO', message: 'envelope delivered', requestId: 'second' },
      { level: 'INFO', message: 'envelope delivered', requestId: 'third' },
    ])
  })

  it('names the request id only on warnings and errors when its lines are so set', async () => {
    const logged = written('log')
    const { logger, addContext, flush } = createPowertoolsObservability('deliver', {
      requestIdLines: 'warnings',
    })

    addContext(invocation('first'))
    await flush()
    addContext(invocation('second'))
    logger.info('envelope delivered', { envelopeId: 'e1' })
    logger.warn('envelope deferred', { envelopeId: 'e2' })
    logger.error('envelope parked', { envelopeId: 'e3' })
    await flush()

    expect(logged()).toEqual([
      { level: 'INFO', message: 'envelope delivered', envelopeId: 'e1' },
      { level: 'WARN', message: 'envelope deferred', requestId: 'second', envelopeId: 'e2' },
      { level: 'ERROR', message: 'envelope parked', requestId: 'second', envelopeId: 'e3' },
    ])
  })
})

import fc from 'fast-check'
import { expect } from 'vitest'
import { EnvelopeSchema } from '../../../shared/envelope.js'
import type { MemoryEventQueue } from './source-harness.js'

/** How many random inputs each sender property tries. */
export const PROPERTY_RUNS = { numRuns: 100 }

/** Any string with all but printable ASCII removed, as an HTTP header value must be. */
export const printableString = (): fc.Arbitrary<string> =>
  fc.string().map((text) => text.replace(/[^\x20-\x7e]/g, ''))

/** `value` as the UTF-8 bytes of its JSON text. */
export const jsonBytes = (value: unknown): Uint8Array =>
  new TextEncoder().encode(JSON.stringify(value))

/** Random JSON text, as bytes. */
export const randomJsonBytes = (): fc.Arbitrary<Uint8Array> =>
  fc.json().map((text) => new TextEncoder().encode(text))

/** The sample with one byte replaced by any byte (possibly the same one). */
export const withOneByteReplaced = (sample: Uint8Array): fc.Arbitrary<Uint8Array> =>
  fc
    .record({ index: fc.nat({ max: sample.length - 1 }), byte: fc.integer({ min: 0, max: 255 }) })
    .map(({ index, byte }) => {
      const body = Buffer.from(sample)
      body[index] = byte
      return new Uint8Array(body)
    })

/** The sample with one character replaced by any one-character string (possibly the same). */
export const withOneCharReplaced = (sample: string): fc.Arbitrary<string> =>
  fc
    .tuple(fc.nat({ max: sample.length - 1 }), fc.string({ minLength: 1, maxLength: 1 }))
    .map(([at, char]) => sample.slice(0, at) + char + sample.slice(at + 1))

/** A different character at `index` (modulo the length), so the result is never `body`. */
export const mutate = (body: string, index: number): string => {
  const at = index % body.length
  return `${body.slice(0, at)}${body[at] === 'x' ? 'y' : 'x'}${body.slice(at + 1)}`
}

/** One of `fixtures` with one character changed by {@link mutate}. */
export const mutatedFixture = (fixtures: readonly string[]): fc.Arbitrary<string> =>
  fc.tuple(fc.constantFrom(...fixtures), fc.nat()).map(([body, index]) => mutate(body, index))

/**
 * Headers for a bearer-token route with secret `secret`: the right token, a wrong one or printable
 * junk, each header possibly missing.
 */
export const bearerHeaders = (
  contentTypes: readonly string[] = ['application/json', 'text/plain', ''],
) =>
  fc.record(
    {
      authorization: fc.oneof(
        fc.constant('Bearer secret'),
        fc.constant('Bearer wrong'),
        printableString(),
      ),
      'content-type': fc.constantFrom(...contentTypes),
    },
    { requiredKeys: [] },
  )

/** The `?token=` of a query-token route with secret `secret`: right, wrong, random, or absent. */
export const queryTokens = () =>
  fc.option(fc.oneof(fc.constant('secret'), fc.constant('wrong'), fc.string({ maxLength: 40 })))

/** Content types a query-token sender might be configured to send. */
export const queryContentTypes = () =>
  fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded')

/** Up to four extra `x-…` headers with printable values, which no sender should care about. */
export const extraHeaders = () =>
  fc.dictionary(fc.stringMatching(/^x-[a-z]{1,12}$/), fc.stringMatching(/^[\x20-\x7e]{0,40}$/), {
    maxKeys: 4,
  })

/**
 * The invariant every sender keeps whatever it is sent: no 5xx, and nothing enqueued unless it
 * answered 202.
 */
export const expectNoServerErrorNorStrayEnvelope = (
  response: Response,
  queue: MemoryEventQueue,
) => {
  expect(response.status).toBeLessThan(500)
  if (response.status !== 202) expect(queue.pending()).toEqual([])
}

/** Asserts that every envelope the queue holds is a valid {@link EnvelopeSchema}. */
export const expectValidEnvelopes = (queue: MemoryEventQueue) => {
  for (const envelope of queue.pending())
    expect(EnvelopeSchema.safeParse(envelope).success).toBe(true)
}

/** Asserts a 401 with nothing enqueued. */
export const expectUnauthorized = (response: Response, queue: MemoryEventQueue) => {
  expect(response.status).toBe(401)
  expect(queue.pending()).toEqual([])
}

import fc from 'fast-check'
import { expect } from 'vitest'
import { EnvelopeSchema } from '../../../shared/envelope-schema.js'
import { createSourceHarness, type MemoryEventQueue } from './source-harness.js'

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
 * Text bodies for a signed sender: any non-empty string, random JSON, bodies of roughly the
 * sender's shape (`shaped`), the real `fixtures`, or a fixture with one character changed.
 */
export const textBodiesAround = (fixtures: readonly string[], shaped: fc.Arbitrary<string>) =>
  fc.oneof(
    fc.string({ minLength: 1 }),
    fc.json(),
    shaped,
    fc.constantFrom(...fixtures),
    mutatedFixture(fixtures),
  )

/**
 * One thing to break in a signed, timestamped delivery: a byte of the body (at `index`, via
 * {@link mutate}), one of `headerNames` set to any string, or the clock skewed by more than the
 * five-minute tolerance either way.
 */
export const breakOneThing = <Name extends string>(headerNames: readonly Name[]) =>
  fc.oneof(
    fc.nat().map((index) => ({ kind: 'byte' as const, index })),
    fc
      .constantFrom(...headerNames)
      .chain((name) => fc.string().map((value) => ({ kind: 'header' as const, name, value }))),
    fc
      .integer({ min: 301, max: 10_000_000 })
      .chain((seconds) => fc.constantFrom(seconds, -seconds))
      .map((seconds) => ({ kind: 'skew' as const, seconds })),
  )

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

/** The clock of the bearer- and query-token routes under random input. */
const TOKEN_ROUTE_NOW = new Date('2026-11-28T08:00:00Z')

/**
 * Bodies for a sender under random input: the fixture with one byte replaced, random JSON, bodies
 * of roughly the sender's shape (`shaped`), or random bytes.
 */
const randomBodiesAround = (sample: Uint8Array, shaped: fc.Arbitrary<Uint8Array>) =>
  fc.oneof(
    withOneByteReplaced(sample),
    randomJsonBytes(),
    shaped,
    fc.uint8Array({ maxLength: 512 }),
  )

export type RandomInputOptions = {
  /** The sender, as the route's `source` names it. */
  source: string
  /** A real payload of the sender, mutated one byte at a time. */
  sample: Uint8Array
  /** Bodies of roughly the sender's shape, as bytes. */
  shaped: fc.Arbitrary<Uint8Array>
}

/**
 * Runs the random-input property of a bearer-token route (secret `secret`): whatever the body and
 * headers, no exception and no 5xx, nothing enqueued unless accepted, and 401 unless the token is
 * right.
 */
export const assertBearerRouteUnderRandomInput = async ({
  source,
  sample,
  shaped,
  contentTypes,
}: RandomInputOptions & { contentTypes?: readonly string[] }) => {
  const setup = () =>
    createSourceHarness({
      route: { source, auth: { type: 'bearer' } },
      secret: { current: 'secret' },
      now: TOKEN_ROUTE_NOW,
    })
  await fc.assert(
    fc.asyncProperty(
      randomBodiesAround(sample, shaped),
      bearerHeaders(contentTypes),
      async (body, given) => {
        const { queue, send } = setup()
        const response = await send(body, { headers: given })
        expectNoServerErrorNorStrayEnvelope(response, queue)
        if (given.authorization !== 'Bearer secret') expect(response.status).toBe(401)
      },
    ),
    PROPERTY_RUNS,
  )
}

/**
 * Runs the random-input property of a route whose token is the `?token=` query parameter (secret
 * `secret`): no exception and no 5xx, nothing enqueued unless accepted, and 401 unless the token
 * is right.
 */
export const assertQueryTokenRouteUnderRandomInput = async ({
  source,
  sample,
  shaped,
}: RandomInputOptions) => {
  const setup = () =>
    createSourceHarness({
      route: { source, auth: { type: 'query', param: 'token' } },
      secret: { current: 'secret' },
      now: TOKEN_ROUTE_NOW,
    })
  await fc.assert(
    fc.asyncProperty(
      randomBodiesAround(sample, shaped),
      queryTokens(),
      queryContentTypes(),
      async (body, token, contentType) => {
        const { queue, send } = setup()
        const query = token === null ? '' : `?${new URLSearchParams({ token })}`
        const response = await send(body, { query, headers: { 'content-type': contentType } })
        expectNoServerErrorNorStrayEnvelope(response, queue)
        if (token !== 'secret') expect(response.status).toBe(401)
      },
    ),
    PROPERTY_RUNS,
  )
}

/**
 * Runs the random-text property of a `?token=` route whose token is `tok`: for any `bodies`, a
 * right, wrong, empty or missing token and stray `x-…` headers, no exception and no 5xx, nothing
 * enqueued unless accepted, 401 unless the token is right, and only valid envelopes enqueued.
 */
export const assertTokenRouteUnderRandomText = async ({
  source,
  bodies,
}: {
  source: string
  bodies: fc.Arbitrary<string>
}) => {
  const setup = () =>
    createSourceHarness({
      route: { source, auth: { type: 'query', param: 'token' } },
      secret: { current: 'tok' },
      now: new Date('2026-03-01T10:00:00Z'),
    })
  const token = fc.constantFrom('tok', 'tok2', '', undefined)
  await fc.assert(
    fc.asyncProperty(bodies, token, extraHeaders(), async (payload, given, extra) => {
      const { queue, post } = setup()

      const res = await post(payload, {
        query: given === undefined ? '' : `?token=${given}`,
        headers: extra,
      })

      expectNoServerErrorNorStrayEnvelope(res, queue)
      if (given !== 'tok') expect(res.status).toBe(401)
      expectValidEnvelopes(queue)
    }),
    PROPERTY_RUNS,
  )
}

/** What a property delivers one random input to, and what it asserts on afterwards. */
export type Delivered = { response: Response; queue: MemoryEventQueue }

/** Runs `expectation` on what delivering each of `inputs` (to a fresh app) answers. */
const assertEvery = <T>(
  inputs: fc.Arbitrary<T>,
  deliver: (input: T) => Promise<Delivered>,
  expectation: (response: Response, queue: MemoryEventQueue) => void,
) =>
  fc.assert(
    fc.asyncProperty(inputs, async (input) => {
      const { response, queue } = await deliver(input)
      expectation(response, queue)
    }),
    PROPERTY_RUNS,
  )

/**
 * Asserts, over `inputs`, that delivering any of them answers no 5xx and enqueues nothing unless
 * it was accepted. `deliver` builds a fresh app for each input.
 */
export const assertNeverServerError = <T>(
  inputs: fc.Arbitrary<T>,
  deliver: (input: T) => Promise<Delivered>,
) => assertEvery(inputs, deliver, expectNoServerErrorNorStrayEnvelope)

/**
 * Asserts, over `inputs`, that delivering any of them answers 401 and enqueues nothing: for
 * deliveries broken after signing. `deliver` builds a fresh app for each input.
 */
export const assertAlwaysUnauthorized = <T>(
  inputs: fc.Arbitrary<T>,
  deliver: (input: T) => Promise<Delivered>,
) => assertEvery(inputs, deliver, expectUnauthorized)

/**
 * One of `fixtures`, an index for {@link mutate}, and either `undefined` (send it signed, then
 * changed at the index) or a forged signature string (send it unchanged with that signature).
 */
export const changedOrForged = (fixtures: readonly string[]) =>
  fc.tuple(fc.constantFrom(...fixtures), fc.nat(), fc.option(fc.string(), { nil: undefined }))

import { readFileSync } from 'node:fs'
import { expect } from 'vitest'
import { createIngestApp } from '../../../functions/ingest/app.js'
import type { Signer } from '../../../local/signers/signer.js'
import { compileConfig } from '../../../shared/config/compile-config.js'
import { createMemoryCorrelationStore } from '../../../shared/lifecycle/memory-correlation-store.js'
import { createJsonLogger } from '../../../shared/observability.js'
import { createMemoryEventQueue } from '../../../shared/queue/memory-event-queue.js'
import { createMemorySecretStore } from '../../../shared/secrets/memory-secret-store.js'
import type { RotatingSecret } from '../../../shared/secrets/secret-store.js'
import type { WebhookSource } from '../../../shared/sources/webhook-source.js'
import { ingestHarness } from '../ingest-harness.js'

/** The one route every sender test configures, and the path it is posted to. */
const ROUTE = 'r'
const ROUTE_PATH = `/hooks/${ROUTE}`
const DRY_RUN_PATH = `/dry-run/${ROUTE}`

export type IngestApp = ReturnType<typeof createIngestApp>
export type MemoryEventQueue = ReturnType<typeof createMemoryEventQueue>
export type Body = string | Uint8Array

/**
 * The text of `test/fixtures/<sender>/<name>`, byte for byte as stored.
 *
 * @example const fixture = (name: string) => readFixture('zabbix', name)
 */
export const readFixture = (sender: string, name: string): string =>
  readFileSync(new URL(`../../fixtures/${sender}/${name}`, import.meta.url), 'utf8')

/** The bytes of `test/fixtures/<sender>/<name>`, for tests that sign or mutate raw bytes. */
export const readFixtureBytes = (sender: string, name: string): Buffer =>
  readFileSync(new URL(`../../fixtures/${sender}/${name}`, import.meta.url))

/** Returns a reader of one sender's fixtures: `fixtureReader('jira')('issue_created.json')`. */
export const fixtureReader =
  (sender: string) =>
  (name: string): string =>
    readFixture(sender, name)

export type SourceHarnessOptions = {
  /** The route `r` as the config file would hold it: `{ source, auth?, options?, ... }`. */
  route: Record<string, unknown>
  /** The route's signing secret; `undefined` configures none at all. */
  secret: RotatingSecret | undefined
  /** What the app's clock always says. */
  now: Date
  /** Replaces the compiled route's source, e.g. one built with fake certificate fetching. */
  source?: WebhookSource<unknown>
}

/**
 * The real ingest app for one route `r`, built in process with the memory queue and secret store
 * and a logger that writes nowhere, its dry run enabled over an empty memory correlation store.
 * `post` sends JSON (headers may override the content type); `send` sends exactly the headers
 * given.
 *
 * @throws ConfigError when `route` is not a valid route.
 */
export const createSourceHarness = ({ route, secret, now, source }: SourceHarnessOptions) => {
  const compiled = compileConfig({ routes: { [ROUTE]: route } })
  const routes = source
    ? new Map(
        [...compiled.routes].map(([name, compiledRoute]) => [name, { ...compiledRoute, source }]),
      )
    : compiled.routes
  const queue = createMemoryEventQueue()
  const app = createIngestApp({
    routes,
    queue,
    secrets: createMemorySecretStore({ routes: secret ? { [ROUTE]: secret } : {} }),
    logger: createJsonLogger({ write: () => {} }),
    now: () => new Date(now),
    preview: { store: createMemoryCorrelationStore() },
  })
  return {
    app,
    queue,
    post: (body: Body, options?: PostOptions) => postJson(app, body, options),
    send: (body: Body, options?: PostOptions) => postToRoute(app, body, options),
  }
}

/**
 * The shared {@link ingestHarness} (debug logs recorded) for a signed sender: route `r` is `route`
 * plus `options` when given, signed with the rotating `secret`; `now` defaults to its clock.
 */
export const signedSenderHarness = (
  route: Record<string, unknown>,
  options: Record<string, unknown> | undefined,
  secret: RotatingSecret,
  now?: Date,
) =>
  ingestHarness(
    { routes: { [ROUTE]: { ...route, ...(options ? { options } : {}) } } },
    { routes: { [ROUTE]: secret } },
    now,
  )

export type PostOptions = {
  /** Appended to the route path as is, e.g. `?token=secret`. */
  query?: string
  headers?: Record<string, string>
}

/** Returns a poster of `body` to `path` (plus the query) with exactly the headers given. */
const postingTo =
  (path: string) =>
  (app: IngestApp, body: Body, { query = '', headers = {} }: PostOptions = {}): Promise<Response> =>
    Promise.resolve(app.request(`${path}${query}`, { method: 'POST', body, headers }))

/** POSTs `body` to the route with exactly the headers given and no others. */
export const postToRoute = postingTo(ROUTE_PATH)

/** POSTs `body` to the route's dry run (`/dry-run/r`) with exactly the headers given. */
export const postDryRun = postingTo(DRY_RUN_PATH)

/** POSTs `body` to the route as `application/json`, unless `headers` set another content type. */
export const postJson = (
  app: IngestApp,
  body: Body,
  { query, headers = {} }: PostOptions = {},
): Promise<Response> =>
  postToRoute(app, body, { query, headers: { 'content-type': 'application/json', ...headers } })

/** The headers of a delivery, where `undefined` means "leave this header out". */
export type HeaderChanges = Record<string, string | undefined>

/** The "break one thing" knobs every signed delivery builder shares. */
export type DeliveryChanges = {
  /** Headers to set or (with `undefined`) remove after signing. */
  headers?: HeaderChanges
  /** A body to send in place of the one that was signed. */
  sent?: string
}

/** Drops the headers whose value is `undefined`. */
export const definedHeaders = (headers: HeaderChanges): Record<string, string> =>
  Object.fromEntries(
    Object.entries(headers).filter((entry): entry is [string, string] => entry[1] !== undefined),
  )

/**
 * POSTs a "valid request, break one thing" delivery: `signed` holds the headers a genuine sender
 * sends for `body`, `changes.headers` then overrides or removes some, and `changes.sent`
 * replaces the body after signing.
 */
export const sendDelivery = (
  app: IngestApp,
  body: string,
  signed: HeaderChanges,
  changes: DeliveryChanges = {},
): Promise<Response> =>
  postToRoute(app, changes.sent ?? body, {
    headers: definedHeaders({ ...signed, ...(changes.headers ?? {}) }),
  })

/**
 * POSTs `local/samples/<sender>.json` signed by the local signer that `npm run send` uses, so a
 * test proves the two agree.
 */
export const sendLocalSample = (
  app: IngestApp,
  sender: string,
  sign: Signer,
  { secret, now }: { secret: string; now: Date },
): Promise<Response> => {
  const body = readFileSync(
    new URL(`../../../local/samples/${sender}.json`, import.meta.url),
    'utf8',
  )
  const url = new URL(`http://localhost${ROUTE_PATH}`)
  const signed = sign({ body, secret, url, now, options: {} })
  return Promise.resolve(app.request(signed.url, { method: 'POST', body, headers: signed.headers }))
}

/** The `Authorization` header of a bearer-token route. */
export const bearer = (token = 'secret') => ({ authorization: `Bearer ${token}` })

/** What ingest answers in its JSON body, as far as the sender tests read it. */
export type Answer = { error?: string; detail?: string; ids?: string[]; ignored?: string }

/** The response's JSON body, typed as an {@link Answer}. */
export const answer = async (response: Response): Promise<Answer> =>
  (await response.json()) as Answer

/**
 * Asserts a rejection: the status, the `error` code in the body (when given), and an empty queue.
 */
export const expectRejected = async (
  response: Response,
  queue: MemoryEventQueue,
  status: number,
  error?: string,
) => {
  expect(response.status).toBe(status)
  if (error !== undefined) expect(await response.json()).toMatchObject({ error })
  expect(queue.pending()).toEqual([])
}

/**
 * Sends one delivery twice, as a sender retrying it would, and asserts both answers carry the same
 * envelope ids and the queue holds the first delivery's `count` envelopes only.
 */
export const expectSameIdsWhenSentAgain = async (
  send: () => Promise<Response>,
  queue: MemoryEventQueue,
  count: number,
) => {
  const first = await answer(await send())
  const again = await answer(await send())

  expect(again.ids).toEqual(first.ids)
  expect(queue.pending()).toHaveLength(count)
}

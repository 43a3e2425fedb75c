import { type Context, Hono } from 'hono'
import type { DeliveryHistory } from '../shared/delivery/delivery-history.js'
import { type Envelope, envelopeKey } from '../shared/envelope.js'
import type { Logger } from '../shared/observability.js'
import { renderDeliveriesPage, renderReplayRefusedPage } from './deliveries-page.js'
import {
  type DeliveryQuery,
  type DeliveryView,
  deliveryView,
  parseDeliveryQuery,
  searchOf,
} from './delivery-view.js'

type Awaitable<T> = T | Promise<T>

/** A parked envelope in the local dead-letter list. */
export type LocalDeadLetter = { envelope: Envelope; reason: string; receiveCount: number }

/** What the page needs of the local queue: its dead letters, and moving one back. */
export type ReplayableQueue = {
  deadLetters(): Awaitable<readonly LocalDeadLetter[]>
  /** Moves a parked envelope back to the queue; false when none has that id. */
  redrive(envelopeId: string): Awaitable<boolean>
  /** Envelopes queued or in flight, to tell a replayed one from one still parked. */
  pending?(): Awaitable<readonly Envelope[]>
}

export type DeliveriesAppDeps = {
  history: DeliveryHistory
  queue: ReplayableQueue
  /** The configured route names, offered by the route filter. */
  routes: readonly string[]
  /** A ticket's page, given the ticket id and the origin the page was asked for on. */
  ticketUrl: (ticketId: number, origin: string) => string
  logger: Logger
}

/** One entry of `/deliveries/parked.json`, what `npm run replay -- --local` previews. */
export type ParkedView = {
  envelopeId: string
  route: string
  key: string
  reason: string
  receiveCount: number
  replayUrl: string
}

const wantsJson = (c: Context) => {
  const accept = c.req.header('accept') ?? ''
  return accept.includes('application/json') && !accept.includes('text/html')
}

const originOf = (c: Context) => new URL(c.req.url).origin

/** A POST another site made the browser send (a form on a page elsewhere): refused. */
const crossSite = (c: Context) => {
  const site = c.req.header('sec-fetch-site')
  if (site && site !== 'same-origin' && site !== 'none') return true
  const origin = c.req.header('origin')
  return origin !== undefined && origin !== originOf(c)
}

const replayPath = (envelopeId: string) => `/deliveries/${encodeURIComponent(envelopeId)}/replay`

/**
 * The local gateway's deliveries view: `GET /deliveries` (HTML, or JSON when asked for it),
 * `GET /deliveries.json`, `GET /deliveries/parked.json` (the dead-letter list) and
 * `POST /deliveries/<envelopeId>/replay` (moves a parked envelope back to the queue). Local
 * only: the ingest Lambda never mounts it.
 */
export const createDeliveriesApp = (deps: DeliveriesAppDeps) => {
  const app = new Hono()

  const deliveries = async (query: DeliveryQuery, origin: string): Promise<DeliveryView[]> => {
    const [records, letters, pending] = await Promise.all([
      deps.history.list(query),
      deps.queue.deadLetters(),
      deps.queue.pending?.() ?? [],
    ])
    const parked = new Set(letters.map((letter) => letter.envelope.id))
    const requeued = new Set(pending.map((envelope) => envelope.id))
    const views = records.map((record): DeliveryView => {
      const view = deliveryView(record, (ticketId) => deps.ticketUrl(ticketId, origin))
      if (parked.has(record.envelopeId)) {
        return { ...view, replayUrl: `${origin}${replayPath(record.envelopeId)}` }
      }
      return record.outcome === 'parked' && requeued.has(record.envelopeId)
        ? { ...view, requeued: true }
        : view
    })
    if (letters.length === 0 || (query.outcome && query.outcome !== 'parked')) return views
    // A parked envelope the history no longer holds (it keeps the newest entries) is still
    // replayable: listed after the others, without a time.
    const known = new Set(
      (
        await deps.history.list({
          ...(query.route ? { route: query.route } : {}),
          limit: Number.MAX_SAFE_INTEGER,
        })
      ).map((record) => record.envelopeId),
    )
    const forgotten = letters
      .filter((letter) => !known.has(letter.envelope.id))
      .filter((letter) => !query.route || letter.envelope.route === query.route)
      .reverse()
      .map(
        ({ envelope, reason, receiveCount }): DeliveryView => ({
          envelopeId: envelope.id,
          route: envelope.route,
          key: envelopeKey(envelope),
          outcome: 'parked',
          reason,
          receiveCount,
          replayUrl: `${origin}${replayPath(envelope.id)}`,
        }),
      )
    return [...views, ...forgotten].slice(0, query.limit)
  }

  const queryError = (c: Context, issues: string[]) =>
    wantsJson(c) || c.req.path.endsWith('.json')
      ? c.json({ error: 'query_invalid', detail: issues }, 400)
      : c.html(renderReplayRefusedPage(`Invalid filter: ${issues.join('; ')}`, '/deliveries'), 400)

  app.get('/deliveries.json', async (c) => {
    const parsed = parseDeliveryQuery(c.req.query())
    if (!parsed.ok) return queryError(c, parsed.issues)
    return c.json({ deliveries: await deliveries(parsed.query, originOf(c)) })
  })

  app.get('/deliveries/parked.json', async (c) => {
    const origin = originOf(c)
    const parked: ParkedView[] = (await deps.queue.deadLetters()).map((letter) => ({
      envelopeId: letter.envelope.id,
      route: letter.envelope.route,
      key: envelopeKey(letter.envelope),
      reason: letter.reason,
      receiveCount: letter.receiveCount,
      replayUrl: `${origin}${replayPath(letter.envelope.id)}`,
    }))
    return c.json({ parked })
  })

  app.get('/deliveries', async (c) => {
    const parsed = parseDeliveryQuery(c.req.query())
    if (!parsed.ok) return queryError(c, parsed.issues)
    const list = await deliveries(parsed.query, originOf(c))
    if (wantsJson(c)) return c.json({ deliveries: list })
    const replayed = c.req.query('replayed')
    return c.html(
      renderDeliveriesPage({
        deliveries: list,
        query: parsed.query,
        routes: deps.routes,
        ...(replayed
          ? {
              notice: `Envelope ${replayed} was replayed: it is back in the queue, and its new outcome shows here once the worker has taken it.`,
            }
          : {}),
      }),
    )
  })

  app.post('/deliveries/:envelopeId/replay', async (c) => {
    const json = wantsJson(c)
    if (crossSite(c)) {
      return json
        ? c.json({ error: 'cross_site', detail: 'replays are only taken from this gateway' }, 403)
        : c.html(renderReplayRefusedPage('Replays are only taken from this gateway.', '/'), 403)
    }
    const envelopeId = c.req.param('envelopeId')
    // The page's filters travel in the form, so the technician comes back to the same view.
    const form = json ? {} : await c.req.parseBody().catch(() => ({}))
    const filters = Object.fromEntries(
      Object.entries(form).filter((entry): entry is [string, string] => {
        return typeof entry[1] === 'string'
      }),
    )
    const parsed = parseDeliveryQuery(filters)
    const query = parsed.ok ? parsed.query : {}
    if (!(await deps.queue.redrive(envelopeId))) {
      const detail = `no parked envelope has the id ${envelopeId} (already replayed?)`
      return json
        ? c.json({ error: 'not_parked', detail }, 404)
        : c.html(renderReplayRefusedPage(detail, `/deliveries${searchOf(query)}`), 404)
    }
    deps.logger.info('envelope replayed', { envelopeId })
    if (json) return c.json({ replayed: envelopeId })
    return c.redirect(`/deliveries${searchOf(query, { replayed: envelopeId })}`, 303)
  })

  return app
}

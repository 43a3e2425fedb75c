import { createHmac } from 'node:crypto'
import { Webhook } from 'standardwebhooks'
import config from '../../../halo-hooks.config.js'
import {
  createHistoryReceipts,
  settledCorrelationStore,
} from '../../../shared/delivery/write-receipts.js'
import { AppError } from '../../../shared/errors.js'
import type { CorrelationStore } from '../../../shared/lifecycle/correlation-store.js'
import { createMemoryCorrelationStore } from '../../../shared/lifecycle/memory-correlation-store.js'
import { alertmanagerNotification } from '../alertmanager.js'
import { startTestGateway } from '../gateway-harness.js'
import {
  type ChaosLane,
  type ExpectedTicket,
  expectedTickets,
  generateHistory,
  repeatsReported,
  seededRandom,
} from './chaos-history.js'

/** A worker dying at a step boundary: retryable, as a crashed Lambda's message is redelivered. */
export class InjectedCrash extends AppError {
  readonly code = 'injected_crash'
  readonly retryable = true

  constructor(message: string) {
    super(message, { retryAfterMs: 5 })
  }
}

const SECRETS = {
  prometheus: 'chaos-prometheus-token',
  'generic-hmac': 'chaos-hmac-secret',
  standard: `whsec_${Buffer.from('chaos-standard-webhooks-key-0001').toString('base64')}`,
}

/** The shipped Prometheus route plus a generic HMAC and a Standard Webhooks route, noting every repeat. */
const chaosConfig = () => {
  const lifecycle = { noteEveryMinutes: 0 }
  const tenant = { fallbackClientId: 1 }
  const prometheus = (config as { routes: Record<string, object> }).routes.prometheus
  return {
    routes: {
      prometheus: { ...prometheus, lifecycle },
      'generic-hmac': {
        source: 'generic',
        auth: { type: 'hmac', header: 'x-signature', prefix: 'sha256=' },
        options: { deliveryIdHeader: 'x-delivery-id' },
        alert: {
          key: '{% payload.id %}',
          status: '{% payload.status %}',
          title: '{% payload.summary %}',
        },
        ticket: { tickettype_id: 21 },
        lifecycle,
        tenant,
      },
      standard: {
        source: 'standard-webhooks',
        alert: {
          key: '{% payload.data.id %}',
          status: '{% payload.data.status %}',
          title: '{% payload.data.title %}',
        },
        ticket: { tickettype_id: 21 },
        lifecycle,
        tenant,
      },
    },
  }
}

/** A correlation store whose writes fail like a worker dying just before or just after them. */
const crashingStore = (
  inner: CorrelationStore,
  random: () => number,
  rate: number,
  tally: Tally,
) => ({
  get: inner.get,
  findByTicket: inner.findByTicket,
  listOpenTickets: inner.listOpenTickets,
  listDue: inner.listDue,
  async put(...args: Parameters<CorrelationStore['put']>) {
    const roll = random()
    if (roll < rate / 2) {
      tally.crashesBeforeStoreWrite++
      throw new InjectedCrash('worker died before the store write')
    }
    const written = await inner.put(...args)
    if (written && roll < rate) {
      tally.crashesAfterStoreWrite++
      throw new InjectedCrash('worker died after the store write, before the ack')
    }
    return written
  },
})

type Tally = { crashesBeforeStoreWrite: number; crashesAfterStoreWrite: number }

export type ChaosOptions = {
  keys: number
  seed: number
  maxEvents?: number
  /** Fraction of Halo requests failing with 500/502/503/429. @default 0.2 */
  haloErrorRate?: number
  /** Fraction of Halo writes committed and then dropped. @default 0.1 */
  dropRate?: number
  /** Fraction of store writes that crash the worker. @default 0.1 */
  crashRate?: number
  /** Added Halo latency in ms. @default 1 */
  latencyMs?: number
  /** Lanes (alerts) sent at once. @default 8 */
  concurrency?: number
}

export type ChaosMismatch = { key: string; expected: ExpectedTicket[]; actual: ExpectedTicket[] }

/**
 * Runs an alert history through the local gateway over real HTTP into the Halo sandbox with
 * Halo faults and worker crashes, then compares Halo's final state with the model's, exactly.
 */
export const runChaos = async (options: ChaosOptions) => {
  const lanes = generateHistory(options)
  const random = seededRandom(options.seed ^ 0x5eed)
  const tally: Tally = { crashesBeforeStoreWrite: 0, crashesAfterStoreWrite: 0 }
  const store = crashingStore(
    createMemoryCorrelationStore(),
    random,
    options.crashRate ?? 0.1,
    tally,
  )
  const harness = await startTestGateway({
    config: chaosConfig(),
    secrets: {
      routes: Object.fromEntries(
        Object.entries(SECRETS).map(([route, current]) => [route, { current }]),
      ),
    },
    // Redeliveries must reach the worker, as SQS redelivers after its 5-minute window.
    deduplicationWindowMs: 0,
    store,
  })
  harness.sandbox.setFaults({
    errorRate: options.haloErrorRate ?? 0.2,
    errorStatuses: [500, 502, 503, 429],
    dropRate: options.dropRate ?? 0.1,
    latencyMs: options.latencyMs ?? 1,
    seed: options.seed,
  })
  const started = performance.now()
  let posts = 0
  const now = new Date('2026-11-28T12:00:00Z')

  const requestFor = (
    lane: ChaosLane,
    event: ChaosLane['events'][number],
  ): { body: string; headers: Record<string, string> } => {
    const id = `${lane.key}-${event.sequence}`
    if (lane.route === 'prometheus') {
      const body = alertmanagerNotification([
        { fingerprint: lane.key, status: event.status, description: `event ${event.sequence}` },
      ])
      return { body, headers: { authorization: `Bearer ${SECRETS.prometheus}` } }
    }
    if (lane.route === 'generic-hmac') {
      const body = JSON.stringify({
        id: lane.key,
        status: event.status,
        summary: `Problem ${lane.key}`,
        n: event.sequence,
      })
      const signature = createHmac('sha256', SECRETS['generic-hmac']).update(body).digest('hex')
      return {
        body,
        headers: { 'x-signature': `sha256=${signature}`, 'x-delivery-id': id, authorization: '' },
      }
    }
    const body = JSON.stringify({
      type: 'alert.changed',
      timestamp: now.toISOString(),
      data: { id: lane.key, status: event.status, title: `Problem ${lane.key}`, n: event.sequence },
    })
    const signature = new Webhook(SECRETS.standard).sign(id, now, body)
    const headers = {
      'webhook-id': id,
      'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
      'webhook-signature': signature,
      authorization: '',
    }
    return { body, headers }
  }

  const runLane = async (lane: ChaosLane) => {
    for (const event of lane.events) {
      const { body, headers } = requestFor(lane, event)
      const responses = await Promise.all(
        Array.from({ length: event.copies }, () => harness.post(lane.route, body, headers)),
      )
      posts += responses.length
      for (const response of responses) {
        if (response.status !== 202)
          throw new Error(
            `${lane.key}: ingest answered ${response.status}: ${await response.text()}`,
          )
      }
    }
  }
  const pending = [...lanes]
  await Promise.all(
    Array.from({ length: options.concurrency ?? 8 }, async () => {
      for (let lane = pending.shift(); lane; lane = pending.shift()) await runLane(lane)
    }),
  )
  const accepted = performance.now()
  await harness.settled()
  const drained = performance.now()

  const settled = settledCorrelationStore(store, createHistoryReceipts(harness.gateway.history))
  const mismatches: ChaosMismatch[] = []
  for (const lane of lanes) {
    const expected = expectedTickets(lane)
    // As the next delivery would start from it: the last write's state may be on its receipt.
    const record = await settled.get(lane.route, lane.key)
    // Repeats merged while Halo was busy and not reported yet: the next note or the close will.
    const owed = record ? record.occurrences - (record.notedOccurrences ?? record.occurrences) : 0
    const actual = harness.ticketsOf(lane.key, lane.route).map((ticket) => ({
      closed: ticket.status_id === 9,
      repeats:
        ticket.actions
          .filter((action) => action.note?.includes('[halo-hooks ref '))
          .reduce((sum, action) => sum + repeatsReported(action.note), 0) +
        (ticket.status_id === 9 ? 0 : owed),
    }))
    if (JSON.stringify(actual) !== JSON.stringify(expected))
      mismatches.push({ key: lane.key, expected, actual })
  }
  const count = (message: string) =>
    harness.logs.filter((line) => line.includes(`"message":"${message}"`)).length
  const requests = harness.sandbox.requests()
  const events = lanes.reduce((sum, lane) => sum + lane.events.length, 0)
  const tallies = {
    alerts: lanes.length,
    events,
    posts,
    tickets: harness.sandbox.tickets().length,
    delivered: count('envelope delivered'),
    recorded: count('envelope recorded'),
    deduplicated: count('envelope deduplicated'),
    deferred: count('envelope deferred'),
    parked: count('envelope parked'),
    interruptedWritesFound: count('interrupted write found in Halo'),
    ...tally,
    haloRequests: requests.length,
    haloFailures: requests.filter((request) => request.status >= 429).length,
    queueLeft: harness.gateway.queue.pending().length,
    deadLetters: harness.gateway.queue.deadLetters().length,
    sendSeconds: Number(((accepted - started) / 1000).toFixed(2)),
    settleSeconds: Number(((drained - started) / 1000).toFixed(2)),
  }
  harness.sandbox.clearFaults()
  await harness.gateway.close()
  return { tallies, mismatches, deadLetters: harness.gateway.queue.deadLetters() }
}

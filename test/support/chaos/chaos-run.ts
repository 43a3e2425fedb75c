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
  expectedHeartbeatTickets,
  expectedTickets,
  generateHeartbeats,
  generateHistory,
  HEARTBEAT_POLICY,
  HEARTBEAT_STEP_MINUTES,
  repeatsReported,
  seededRandom,
} from './chaos-history.js'
import {
  expectedIncidentTickets,
  generateIncidents,
  type IncidentLane,
  membersNamed,
} from './chaos-incidents.js'

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
  grouped: 'chaos-grouped-secret',
  standard: `whsec_${Buffer.from('chaos-standard-webhooks-key-0001').toString('base64')}`,
  beats: 'chaos-heartbeat-token',
}

/**
 * The shipped Prometheus route plus a generic HMAC and a Standard Webhooks route, noting every
 * repeat, a generic HMAC route grouping its alerts into incidents by site, and a heartbeat route.
 */
const chaosConfig = () => {
  const lifecycle = { noteEveryMinutes: 0 }
  const tenant = { fallbackClientId: 1 }
  const prometheus = (config as { routes: Record<string, object> }).routes.prometheus
  const genericHmac = {
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
  }
  return {
    routes: {
      prometheus: { ...prometheus, lifecycle },
      'generic-hmac': genericHmac,
      grouped: { ...genericHmac, group: { key: '{% payload.site %}' } },
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
      beats: {
        source: 'heartbeat',
        auth: { type: 'bearer' },
        heartbeat: HEARTBEAT_POLICY,
        ticket: { tickettype_id: 21 },
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
  /** Lanes (alerts, groups) sent at once. @default 8 */
  concurrency?: number
  /** Groups (sites) whose alerts become incidents, on the `grouped` route. @default 0 */
  incidents?: number
  /**
   * Heartbeat keys pinging over `steps` steps of the clock after the alerts, each step's due
   * sweep run before its pings. @default none
   */
  heartbeats?: { keys: number; steps: number }
}

export type ChaosMismatch = { key: string; expected: object[]; actual: object[] }

/**
 * Runs an alert history through the local gateway over real HTTP into the Halo sandbox with
 * Halo faults and worker crashes, then compares Halo's final state with the model's, exactly.
 */
export const runChaos = async (options: ChaosOptions) => {
  const lanes = generateHistory(options)
  const incidents = generateIncidents({ incidents: options.incidents ?? 0, seed: options.seed })
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
    // A one-second window: an injected 429 makes the budget wait out the rest of its window (the
    // harness's 5 s made most of the run's wall time a wait, 13 s against 4.6 s).
    budget: { limit: 1_000, windowSeconds: 1 },
    store,
    // The due sweep runs at each heartbeat step, and only then: the model knows when.
    dueEveryMs: 3_600_000,
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
  const sendIncident = async (lane: IncidentLane) => {
    for (const event of lane.events) {
      const body = JSON.stringify({
        id: event.member,
        status: event.status,
        summary: `Problem ${event.member}`,
        site: lane.group,
        n: event.sequence,
      })
      const signature = createHmac('sha256', SECRETS.grouped).update(body).digest('hex')
      const headers = {
        'x-signature': `sha256=${signature}`,
        'x-delivery-id': `${lane.group}-${event.sequence}`,
        authorization: '',
      }
      const responses = await Promise.all(
        Array.from({ length: event.copies }, () => harness.post('grouped', body, headers)),
      )
      posts += responses.length
      for (const response of responses) {
        if (response.status !== 202)
          throw new Error(
            `${lane.group}: ingest answered ${response.status}: ${await response.text()}`,
          )
      }
    }
  }
  const pending: (() => Promise<void>)[] = [
    ...lanes.map((lane) => () => runLane(lane)),
    ...incidents.map((lane) => () => sendIncident(lane)),
  ]
  await Promise.all(
    Array.from({ length: options.concurrency ?? 8 }, async () => {
      for (let send = pending.shift(); send; send = pending.shift()) await send()
    }),
  )
  const accepted = performance.now()
  await harness.settled()

  // Heartbeats, step by step on the gateway's clock: the sweep (and the timers it queues), then
  // the step's pings, each sent as many times as its sender retries, all at once.
  const beats = options.heartbeats
    ? generateHeartbeats({ ...options.heartbeats, seed: options.seed })
    : []
  let pings = 0
  let timersQueued = 0
  for (let step = 0; step < (options.heartbeats?.steps ?? 0); step++) {
    if (step > 0) harness.advance(HEARTBEAT_STEP_MINUTES)
    timersQueued += (await harness.gateway.dueSweep()).queued
    await harness.settled()
    const sends = beats.flatMap((lane) =>
      Array.from({ length: lane.pings[step] ?? 0 }, () =>
        harness.post('beats', JSON.stringify({ key: lane.key, name: `Job ${lane.key}` }), {
          authorization: `Bearer ${SECRETS.beats}`,
        }),
      ),
    )
    for (const response of await Promise.all(sends)) {
      if (response.status !== 202) {
        throw new Error(`heartbeat: ingest answered ${response.status}: ${await response.text()}`)
      }
    }
    pings += sends.length
    await harness.settled()
  }
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
  for (const lane of incidents) {
    const key = `incident:${lane.group}`
    const expected = expectedIncidentTickets(lane)
    const record = await settled.get('grouped', key)
    const tickets = harness.ticketsOf(key, 'grouped')
    const actual = tickets.map((ticket, index) => ({
      closed: ticket.status_id === 9,
      listed: [
        ...membersNamed(ticket.details),
        ...ticket.actions
          .filter((action) => action.note?.includes('[halo-hooks ref '))
          .flatMap((action) => membersNamed(action.note)),
        // Members that joined the open incident since its last listing: its next note names them.
        ...(index === tickets.length - 1 && ticket.status_id !== 9
          ? (record?.incident?.joined ?? []).map((member) => member.key)
          : []),
      ],
    }))
    if (JSON.stringify(actual) !== JSON.stringify(expected))
      mismatches.push({ key, expected, actual })
  }
  for (const lane of beats) {
    const expected = expectedHeartbeatTickets(lane)
    const actual = harness.ticketsOf(lane.key, 'beats').map((ticket) => ({
      closed: ticket.status_id === 9,
      repeats: ticket.actions.reduce((sum, action) => sum + repeatsReported(action.note), 0),
    }))
    if (JSON.stringify(actual) !== JSON.stringify(expected))
      mismatches.push({ key: `beats/${lane.key}`, expected, actual })
  }
  const count = (message: string) =>
    harness.logs.filter((line) => line.includes(`"message":"${message}"`)).length
  const requests = harness.sandbox.requests()
  const events =
    lanes.reduce((sum, lane) => sum + lane.events.length, 0) +
    incidents.reduce((sum, lane) => sum + lane.events.length, 0)
  const tallies = {
    alerts: lanes.length,
    incidents: incidents.length,
    incidentTickets: incidents.reduce(
      (sum, lane) => sum + harness.ticketsOf(`incident:${lane.group}`, 'grouped').length,
      0,
    ),
    events,
    posts,
    heartbeats: beats.length,
    heartbeatPings: pings,
    heartbeatTickets: beats.reduce((sum, lane) => sum + expectedHeartbeatTickets(lane).length, 0),
    timersQueued,
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

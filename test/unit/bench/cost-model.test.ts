import { describe, expect, it } from 'vitest'
import { costPerMillion, type StackFacts } from '../../../bench/support/cost-model.js'
import { openMs } from '../../support/aws/capacity-proxy.js'
import type { FunctionMetering, Metering } from '../../support/aws/metered-pipeline.js'

const fn = (wallMs: number, cpuMs: number, dynamodb: FunctionMetering['dynamodb']) =>
  ({
    invocations: 1,
    wallMs,
    cpuMs,
    logEvents: 0,
    logBytes: 0,
    maxRssBytes: 0,
    init: { wallMs: 0, cpuMs: 0, logEvents: 0, logBytes: 0 },
    dynamodb,
  }) satisfies FunctionMetering

const metering = (deliver: FunctionMetering): Metering => ({
  eventsPerInvocation: 1,
  events: 1,
  webhooks: 1,
  ingest: fn(0, 0, { callMs: [], openMs: 0 }),
  deliver,
  sqs: { ingestCalls: {}, deliverCalls: {}, sendUnits: 0, receiveUnits: 0, deleteCalls: 0 },
  secretsManager: { getSecretValue: 0 },
  dynamodb: { calls: {}, readUnits: 0, writeUnits: 0, refusedWrites: 0 },
  halo: { requests: 0, bytesOut: 0, byEndpoint: {} },
  outcomes: {},
  deliverLogSample: [],
  ingestLogSample: [],
})

const STACK: StackFacts = {
  memoryMb: { ingest: 1769, deliver: 1769 },
  httpApi: false,
  platformLogLines: false,
  secrets: 2,
  alarmMetrics: [],
  dashboards: 0,
  secretCacheSeconds: 300,
}

const deliverMs = (m: Metering, dynamoDbCallMs?: number) => {
  const line = costPerMillion(m, STACK, { dynamoDbCallMs }).lines.find(
    (entry) => entry.service === 'Lambda duration',
  )
  return Number(/deliver (\d+) ms/.exec(line?.usage ?? '')?.[1])
}

describe('time with a DynamoDB call outstanding', () => {
  it('counts overlapping calls once and the gaps between them not at all', () => {
    expect(openMs([])).toBe(0)
    expect(
      openMs([
        { start: 10, end: 30 },
        { start: 0, end: 5 },
        { start: 20, end: 40 },
        { start: 25, end: 28 },
      ]),
    ).toBe(35)
  })
})

describe('the cost model at DynamoDB’s own speed', () => {
  it('shrinks the time a call was outstanding in proportion to the calls’ mean', () => {
    // 400 ms of 1,000 waited on calls that took 40 ms on average: at 10 ms, 100 ms of it.
    const m = metering(fn(1_000, 100, { callMs: [30, 50], openMs: 400 }))
    expect(deliverMs(m)).toBe(1_000)
    expect(deliverMs(m, 10)).toBe(700)
  })

  it('never makes a call slower than it was measured', () => {
    const m = metering(fn(1_000, 100, { callMs: [4, 6], openMs: 50 }))
    expect(deliverMs(m, 10)).toBe(1_000)
  })
})

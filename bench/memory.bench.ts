import { fileURLToPath } from 'node:url'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { createMemoryEventQueue } from '../shared/queue/memory-event-queue.js'
import { benchIngestApp, SAMPLE_SENDERS, type SampleSender } from './support/bench-config.js'
import { kib, mib, ratio } from './support/format.js'

// Memory held by the local memory queue per 10,000 queued envelopes, made by the real ingest app
// from the shipped samples, against the same envelopes held as the JSON strings an SQS message
// body would carry (the smallest faithful form). Reports numbers; asserts nothing.

const ENVELOPES = 10_000

setFlagsFromString('--expose-gc')
const gc = runInNewContext('gc') as () => void

const settledHeap = async (): Promise<number> => {
  for (let i = 0; i < 4; i++) {
    gc()
    await new Promise((resolve) => setImmediate(resolve))
  }
  return process.memoryUsage().heapUsed
}

/** Fills a fresh memory queue through the ingest app until it holds ENVELOPES envelopes. */
const fill = async (sender: SampleSender, queue: ReturnType<typeof createMemoryEventQueue>) => {
  const app = benchIngestApp(queue)
  for (let sequence = 0; queue.stats().queued < ENVELOPES; sequence++) {
    const response = await app.request(`/hooks/${sender.route}`, sender.request(sequence))
    if (response.status !== 202) throw new Error(`ingest answered ${response.status}`)
  }
}

const measureSender = async (sender: SampleSender): Promise<string[]> => {
  // Warm-up: the same work once, thrown away, so code and caches are not counted.
  await fill(sender, createMemoryEventQueue())
  const empty = await settledHeap()
  const queue = createMemoryEventQueue()
  await fill(sender, queue)
  const withQueue = await settledHeap()

  // Baseline: the same envelopes as JSON strings (what SQS would hold), added on top.
  const strings: string[] = queue.pending().map((envelope) => JSON.stringify(envelope))
  const withStrings = await settledHeap()
  const held = queue.stats().queued // keeps the queue alive until both readings are taken
  const jsonBytes = strings.reduce((sum, text) => sum + Buffer.byteLength(text), 0)
  const queueBytes = withQueue - empty
  const stringsBytes = withStrings - withQueue

  const per = (bytes: number) => (bytes * ENVELOPES) / held
  return [
    `memory ${sender.name}: ${held} envelopes queued`,
    `  memory queue heap: ${mib(per(queueBytes))} per ${ENVELOPES} envelopes (${kib(queueBytes / held)} each)`,
    `  baseline, same envelopes as JSON strings: ${mib(per(stringsBytes))} heap (${mib(per(jsonBytes))} of UTF-8, ${kib(jsonBytes / held)} each)`,
    `  queue / JSON strings = ${ratio(queueBytes, stringsBytes)}`,
  ]
}

/** Memory per 10,000 queued envelopes in the local memory queue, per sample sender. */
export const benchMemory = async (): Promise<string[]> => {
  const lines = [
    `method: fill a memory queue with ${ENVELOPES} envelopes through the real ingest app (each delivery distinct), heapUsed after forced GC minus heapUsed before (after a discarded warm-up fill)`,
    'baseline: the same envelopes held as JSON.stringify strings (an SQS message body each)',
  ]
  for (const sender of SAMPLE_SENDERS) lines.push(...(await measureSender(sender)))
  return lines
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const line of await benchMemory()) console.log(line)
}

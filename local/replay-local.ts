import type { ParkedView } from './deliveries-app.js'
import type { DeliveriesJson, DeliveryView } from './delivery-view.js'
import type { ReplayOptions } from './replay.js'

type LocalReplayOptions = Pick<ReplayOptions, 'sample' | 'rate' | 'yes' | 'wait'> & {
  local: string
}

/** A GET or POST to the gateway, read as JSON; a gateway that is not running is said plainly. */
const call = async <T>(
  url: string,
  init: RequestInit = {},
): Promise<{ status: number; body: T }> => {
  let response: Response
  try {
    response = await fetch(url, { ...init, headers: { accept: 'application/json' } })
  } catch (error) {
    const cause = error instanceof Error ? (error.cause ?? error) : error
    throw new Error(
      `cannot reach the local gateway at ${new URL(url).origin} (is npm start running?): ${cause instanceof Error ? cause.message : String(cause)}`,
    )
  }
  const text = await response.text()
  try {
    return { status: response.status, body: JSON.parse(text) as T }
  } catch {
    throw new Error(`${url} answered ${response.status} without JSON: is it a halo-hooks gateway?`)
  }
}

/** Whether a replayed envelope has a new outcome (or was parked again), with that outcome. */
const settled = (view: DeliveryView | undefined) =>
  view !== undefined &&
  !view.requeued &&
  (view.outcome !== 'parked' || view.replayUrl !== undefined)

const describeOutcome = (view: DeliveryView) => {
  if (view.outcome === 'parked') return `parked again: ${view.reason ?? 'no reason recorded'}`
  if (view.outcome === 'deferred') return `deferred until ${view.nextAttemptAt}: ${view.reason}`
  return view.ticketId === undefined ? view.outcome : `${view.outcome} (ticket #${view.ticketId})`
}

/**
 * `npm run replay -- --local [url]`: the same preview as for AWS (envelope id, route, key and
 * why; never payloads) from the local gateway's dead-letter list, then with `--yes` a replay of
 * each through `POST /deliveries/<id>/replay`, at most `rate` per second. With `--wait`, follows
 * each replayed envelope until it has a new outcome. Resolves with the exit code.
 */
export const replayLocal = async (
  options: LocalReplayOptions,
  out: (line: string) => void,
  sleep: (ms: number) => Promise<void>,
): Promise<number> => {
  const base = options.local.replace(/\/+$/, '')
  const listed = await call<{ parked?: ParkedView[] }>(`${base}/deliveries/parked.json`)
  if (listed.status !== 200 || !Array.isArray(listed.body.parked)) {
    throw new Error(
      `${base}/deliveries/parked.json answered ${listed.status}: is it a halo-hooks gateway?`,
    )
  }
  const parked = listed.body.parked
  out(`local dead-letter list at ${base}: ${parked.length} parked envelope(s)`)
  if (parked.length === 0) {
    out('nothing to replay')
    return 0
  }
  for (const entry of parked.slice(0, options.sample)) {
    out(`  ${entry.envelopeId} route=${entry.route} key=${entry.key}\n    why: ${entry.reason}`)
  }
  if (parked.length > options.sample) out(`  ... and ${parked.length - options.sample} more`)

  if (!options.yes) {
    out('dry run: nothing moved. Fix the cause, then run again with --yes to move them back to')
    out(`the local queue at ${options.rate}/s.`)
    return 0
  }
  const replayed: string[] = []
  for (const [index, { envelopeId }] of parked.entries()) {
    if (index > 0) await sleep(1_000 / options.rate)
    const answer = await call<{ detail?: string }>(
      `${base}/deliveries/${encodeURIComponent(envelopeId)}/replay`,
      { method: 'POST' },
    )
    if (answer.status === 200) replayed.push(envelopeId)
    else out(`  not replayed ${envelopeId}: ${answer.status} ${answer.body.detail ?? ''}`.trim())
  }
  out(`${replayed.length} of ${parked.length} moved back to the local queue (${options.rate}/s).`)
  out(`What becomes of them: ${base}/deliveries`)
  if (!options.wait) return replayed.length === parked.length ? 0 : 1

  const waiting = new Set(replayed)
  let parkedAgain = 0
  while (waiting.size > 0) {
    await sleep(1_000)
    const { body } = await call<DeliveriesJson>(`${base}/deliveries.json?limit=1000`)
    for (const view of body.deliveries) {
      if (!waiting.has(view.envelopeId) || !settled(view)) continue
      waiting.delete(view.envelopeId)
      if (view.outcome === 'parked') parkedAgain++
      out(`  ${view.envelopeId}: ${describeOutcome(view)}`)
    }
  }
  return parkedAgain === 0 && replayed.length === parked.length ? 0 : 1
}

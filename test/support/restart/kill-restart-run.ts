import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { SANDBOX_CREDENTIALS } from '../../../local/halo-sandbox/halo-sandbox.js'
import { DATA_FILE } from '../../../local/local-state.js'
import { problemIdentity } from '../../../shared/lifecycle/problem-identity.js'
import { eventually, runNpm, waitForOutput } from '../processes.js'

const TOKEN = 'kill-restart-token'
const ROUTE = 'alerts'

/**
 * One route of the generic sender: an alert's customer routes it to a Halo client through the
 * `clients` table, and a customer the table does not know is unroutable (parked, permanently).
 */
const CONFIG = `export default {
  routes: {
    ${ROUTE}: {
      source: 'generic',
      auth: { type: 'bearer' },
      alert: {
        key: '{% payload.id %}',
        status: '{% payload.status %}',
        title: '{% payload.summary %}',
        tenantName: '{% payload.customer %}',
      },
      ticket: { summary: '{% alert.title %}', tickettype_id: 21 },
      tenant: { clients: { acme: 12 } },
    },
  },
}
`

export type KillRestartOptions = {
  /** Distinct problems (keys), each fired once; half of the routable ones resolve later. */
  alerts: number
  /** Times the gateway is killed with SIGKILL in the middle of its deliveries. */
  kills: number
  /** Every n-th alert names a customer no rule routes, so it is parked. @default 10 */
  unroutableEvery?: number
  /** Latency the Halo sandbox adds to every request, so deliveries are in flight. @default 60 */
  latencyMs?: number
  /**
   * Fraction of Halo requests failing with 500, 502 or 503 (no 429: a refusal teaches the budget
   * a lower limit, which the storm benchmark is about, not this). @default 0
   */
  haloErrorRate?: number
  /** Fraction of Halo writes committed and their answer lost. @default 0 */
  dropRate?: number
  seed?: number
  /** Progress lines, as the run goes. */
  log?: (line: string) => void
}

type SandboxTicket = {
  id: number
  status_id: number
  third_party_id_string?: string
  actions: { note?: string; new_status?: number }[]
}

type Gateway = ReturnType<typeof runNpm>

/**
 * The local gateway as a real process (`npm start`) on one data directory, delivering to the
 * Halo sandbox as a process of its own (`npm run sandbox`, through HALO_URL, so Halo outlives
 * the gateway): a delivery run is sent, the gateway is killed with SIGKILL in the middle of it,
 * started again on the same directory, killed again, and so on; the last start runs until its
 * queue is empty and stops with Ctrl-C. Then Halo and the file are compared with what was
 * accepted: every accepted firing alert a ticket or parked, every accepted resolve a close,
 * nothing twice.
 */
export const runKillRestart = async (options: KillRestartOptions) => {
  const log = options.log ?? (() => {})
  const every = options.unroutableEvery ?? 10
  const dir = mkdtempSync(join(tmpdir(), 'halo-hooks-kill-restart-'))
  const dataDir = join(dir, 'data')
  const file = join(dataDir, DATA_FILE)
  writeFileSync(join(dir, 'restart.config.mjs'), CONFIG)

  const keys = Array.from({ length: options.alerts }, (_, i) => `k${String(i).padStart(5, '0')}`)
  const routable = (index: number) => index % every !== 0
  const alert = (index: number, status: 'firing' | 'resolved') =>
    JSON.stringify({
      id: keys[index],
      status,
      summary: `Problem ${keys[index]}`,
      customer: routable(index) ? 'acme' : 'nobody',
    })
  const firing = keys.map((_, index) => alert(index, 'firing'))
  const resolving = keys
    .map((_, index) => index)
    .filter((index) => routable(index) && index < options.alerts / 2)
  const resolved = resolving.map((index) => alert(index, 'resolved'))
  const expectedEffects = keys.filter((_, index) => routable(index)).length + resolving.length

  const sandbox = runNpm(['sandbox'], { PORT: '0' })
  const gateways: Gateway[] = []
  try {
    const [, sandboxUrl] = await waitForOutput(sandbox, /Halo sandbox listening on (http:\/\/\S+)/)
    const halo = String(sandboxUrl)
    await fetch(`${halo}/sandbox/faults`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        latencyMs: options.latencyMs ?? 60,
        errorRate: options.haloErrorRate ?? 0,
        errorStatuses: [500, 502, 503],
        dropRate: options.dropRate ?? 0,
        seed: options.seed ?? 1,
      }),
    })
    const tickets = async () =>
      ((await (await fetch(`${halo}/sandbox/state`)).json()) as { tickets: SandboxTicket[] })
        .tickets
    const effects = async () => {
      const all = await tickets()
      return all.length + all.filter((ticket) => ticket.status_id === 9).length
    }
    /** Messages still in the queue, read from the file while the gateway holds it (WAL). */
    const queued = () => {
      const db = new Database(file, { readonly: true, fileMustExist: true })
      try {
        return db.prepare('SELECT count(*) FROM queue_messages').pluck().get() as number
      } finally {
        db.close()
      }
    }

    const start = async () => {
      const gateway = runNpm(['start'], {
        PORT: '0',
        HALO_HOOKS_DATA_DIR: dataDir,
        HALO_HOOKS_CONFIG: join(dir, 'restart.config.mjs'),
        HALO_HOOKS_SECRETS: JSON.stringify({ routes: { [ROUTE]: { current: TOKEN } } }),
        HALO_URL: halo,
        HALO_CLIENT_ID: SANDBOX_CREDENTIALS.clientId,
        HALO_CLIENT_SECRET: SANDBOX_CREDENTIALS.clientSecret,
        HALO_BUDGET_LIMIT: '5000',
      })
      gateways.push(gateway)
      const [, url] = await waitForOutput(gateway, /listening on (http:\/\/\S+)/)
      const [state] = await waitForOutput(gateway, /state: .*/)
      await waitForOutput(gateway, /stop: +Ctrl-C/)
      log(`start ${gateways.length}: ${state.trim()}`)
      return { gateway, url: String(url) }
    }

    const accepted = { firing: new Set<string>(), resolved: new Set<string>(), resent: 0 }
    const send = async (url: string, bodies: string[], into: Set<string>) => {
      const pending = [...bodies]
      await Promise.all(
        Array.from({ length: 8 }, async () => {
          for (let body = pending.shift(); body; body = pending.shift()) {
            const response = await fetch(`${url}/hooks/${ROUTE}`, {
              method: 'POST',
              headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
              body,
            })
            if (response.status !== 202) {
              throw new Error(`ingest answered ${response.status}: ${await response.text()}`)
            }
            const { ids } = (await response.json()) as { ids: string[] }
            for (const id of ids) into.add(id)
          }
        }),
      )
    }

    const killsAt: number[] = []
    for (let run = 0; run <= options.kills; run++) {
      const { gateway, url } = await start()
      if (run === 0) await send(url, firing, accepted.firing)
      if (run === 1 || (run === 0 && options.kills === 0)) {
        // A sender retrying what it sent before the first crash: within the deduplication
        // window, so accepted (202) and not queued again; then the resolves.
        const before = accepted.firing.size
        await send(url, firing.slice(0, Math.ceil(firing.length / 2)), accepted.firing)
        accepted.resent = Math.ceil(firing.length / 2)
        if (accepted.firing.size !== before) throw new Error('a resent alert was queued anew')
        await send(url, resolved, accepted.resolved)
      }
      if (run < options.kills) {
        const threshold = Math.floor((expectedEffects * (run + 1)) / (options.kills + 1))
        await eventually(
          async () => ((await effects()) >= threshold || queued() === 0 ? true : undefined),
          120_000,
        )
        const done = await effects()
        gateway.kill()
        await gateway.exited
        killsAt.push(done)
        log(`kill ${run + 1} (SIGKILL) with ${done} of ${expectedEffects} Halo effects done`)
      } else {
        await eventually(async () => (queued() === 0 ? true : undefined), 180_000)
        gateway.interrupt()
        await gateway.exited
        await eventually(async () => (gateway.groupAlive() ? undefined : true), 10_000)
        const [left] = gateway.output().match(/left: .*/) ?? ['(no "left" line)']
        log(`stop (Ctrl-C): ${left}`)
      }
    }

    // What Halo holds, and what the file holds.
    const final = await tickets()
    const byIdentity = new Map<string, SandboxTicket[]>()
    for (const ticket of final) {
      const identity = ticket.third_party_id_string ?? `#${ticket.id}`
      byIdentity.set(identity, [...(byIdentity.get(identity) ?? []), ticket])
    }
    const refs = new Map<string, number>()
    for (const ticket of final) {
      for (const action of ticket.actions) {
        const ref = action.note?.match(/\[halo-hooks ref ([^\]]+)\]/)?.[1]
        if (ref) refs.set(ref, (refs.get(ref) ?? 0) + 1)
      }
    }
    const db = new Database(file, { readonly: true, fileMustExist: true })
    const deadLetters = db
      .prepare('SELECT envelope_id AS id, reason FROM queue_dead_letters')
      .all() as { id: string; reason: string }[]
    const left = db.prepare('SELECT count(*) FROM queue_messages').pluck().get() as number
    db.close()

    const problems: string[] = []
    keys.forEach((key, index) => {
      const found = byIdentity.get(problemIdentity(ROUTE, key)) ?? []
      if (routable(index) && found.length !== 1) {
        problems.push(`${key}: ${found.length} tickets, expected 1`)
      }
      if (!routable(index) && found.length !== 0) problems.push(`${key}: unroutable, yet a ticket`)
      const closed = found.filter((ticket) => ticket.status_id === 9).length
      const shouldClose = resolving.includes(index)
      if (routable(index) && closed !== (shouldClose ? 1 : 0)) {
        problems.push(`${key}: ${closed} closed tickets, expected ${shouldClose ? 1 : 0}`)
      }
    })
    const parkedIds = new Set(deadLetters.map((letter) => letter.id))
    const unroutable = keys.filter((_, index) => !routable(index)).length
    if (parkedIds.size !== deadLetters.length) problems.push('an envelope was parked twice')
    if (deadLetters.length !== unroutable) {
      problems.push(`${deadLetters.length} parked, expected ${unroutable}`)
    }
    for (const letter of deadLetters) {
      if (!accepted.firing.has(letter.id)) problems.push(`parked ${letter.id} was never accepted`)
      if (!letter.reason.startsWith('unroutable')) problems.push(`parked for ${letter.reason}`)
    }
    const twice = [...refs.entries()].filter(([, count]) => count > 1)
    for (const [ref, count] of twice) problems.push(`note or close ${ref} written ${count} times`)
    if (left !== 0) problems.push(`${left} messages left in the queue`)

    const count = (pattern: RegExp) =>
      gateways.reduce((sum, gateway) => sum + (gateway.output().match(pattern) ?? []).length, 0)
    const tallies = {
      alerts: options.alerts,
      accepted: accepted.firing.size + accepted.resolved.size,
      acceptedFiring: accepted.firing.size,
      acceptedResolves: accepted.resolved.size,
      resentDuplicates: accepted.resent,
      kills: killsAt.length,
      killedAtEffects: killsAt.join(', '),
      starts: gateways.length,
      tickets: final.length,
      closed: final.filter((ticket) => ticket.status_id === 9).length,
      parked: deadLetters.length,
      duplicateTickets: [...byIdentity.values()].reduce(
        (sum, found) => sum + Math.max(0, found.length - 1),
        0,
      ),
      duplicateActions: twice.length,
      interruptedWritesFound: count(/interrupted write found in Halo/g),
      interruptedWritesMade: count(/interrupted write made as intended/g),
      queueLeft: left,
    }
    return { tallies, problems }
  } finally {
    for (const gateway of gateways) gateway.kill()
    sandbox.interrupt()
    await sandbox.exited
    rmSync(dir, { recursive: true, force: true })
  }
}

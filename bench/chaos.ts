import { runChaos } from '../test/support/chaos/chaos-run.js'

/**
 * `npm run chaos [-- keys seed]`: a long chaos run (thousands of events) through the local
 * gateway into the Halo sandbox with Halo faults and worker crashes (single alerts and incidents),
 * then heartbeats (a tenth as many keys, 30 steps of their clock); prints the tallies and
 * exits non-zero if Halo's final state differs from the model's in any way.
 */
const [keysArg, seedArg] = process.argv.slice(2)
const keys = Number(keysArg ?? 600)
const seed = Number(seedArg ?? Date.now() % 1_000_000)

// A group (site) per ten alerts, whose alerts become incidents on a grouping route, and a
// heartbeat key per ten alerts.
const incidents = Math.ceil(keys / 10)
const heartbeats = Math.ceil(keys / 10)
process.stdout.write(
  `chaos: ${keys} alerts, ${incidents} incident groups and ${heartbeats} heartbeats, seed ${seed} (repeat with: npm run chaos -- ${keys} ${seed})\n`,
)
const { tallies, mismatches, deadLetters } = await runChaos({
  keys,
  incidents,
  seed,
  maxEvents: 10,
  heartbeats: { keys: heartbeats, steps: 30 },
})
for (const [name, value] of Object.entries(tallies)) {
  process.stdout.write(`  ${name.padEnd(24)} ${value}\n`)
}
process.stdout.write(
  `  halo requests per event  ${(tallies.haloRequests / tallies.events).toFixed(2)} (faults, retries and heartbeats included)\n`,
)
if (mismatches.length || deadLetters.length || tallies.queueLeft) {
  process.stdout.write(
    `FAILED: ${mismatches.length} alert(s) differ from the model, ${deadLetters.length} dead-lettered\n`,
  )
  for (const mismatch of mismatches.slice(0, 20))
    process.stdout.write(`  ${JSON.stringify(mismatch)}\n`)
  process.exitCode = 1
} else {
  process.stdout.write(
    `OK: Halo matches the model exactly for all ${tallies.alerts} alerts, ${tallies.incidents} incidents and ${tallies.heartbeats} heartbeats\n`,
  )
}

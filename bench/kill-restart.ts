import { runKillRestart } from '../test/support/restart/kill-restart-run.js'

/**
 * `npm run kill-restart [-- alerts kills]`: `npm start` as a real process on one data directory,
 * delivering to `npm run sandbox`, killed with SIGKILL in the middle of its deliveries and
 * started again, `kills` times; prints the tallies and exits non-zero if any accepted envelope
 * did not end as exactly one ticket (or close), or parked.
 */
const [alertsArg, killsArg, errorRateArg] = process.argv.slice(2)
const alerts = Number(alertsArg ?? 1_000)
const kills = Number(killsArg ?? 5)
const haloErrorRate = Number(errorRateArg ?? 0.05)

process.stdout.write(
  `kill-restart: ${alerts} alerts, ${kills} kills, ${haloErrorRate * 100} % Halo errors and dropped answers\n`,
)
const { tallies, problems } = await runKillRestart({
  alerts,
  kills,
  haloErrorRate,
  dropRate: haloErrorRate,
  latencyMs: 20,
  log: (line) => process.stdout.write(`  ${line}\n`),
})
for (const [name, value] of Object.entries(tallies)) {
  process.stdout.write(`  ${name.padEnd(24)} ${value}\n`)
}
if (problems.length) {
  process.stdout.write(`FAILED: ${problems.length} problem(s)\n`)
  for (const problem of problems.slice(0, 20)) process.stdout.write(`  ${problem}\n`)
  process.exitCode = 1
} else {
  process.stdout.write(
    `OK: every accepted envelope is exactly one ticket or close in Halo, or parked, across ${tallies.kills} kills\n`,
  )
}

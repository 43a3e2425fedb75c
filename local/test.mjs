// `npm test`: the typecheck and the lint run beside the test suites, not before them. Vitest's
// first seconds (its start, the DynamoDB Local JVM's) leave a core free, and the two checks fit
// there: 0.96× the wall time of running them first (three alternated pairs on a 2-core machine).
// Their output comes after the tests' own, and the command fails when any of the three does.
//
//   node local/test.mjs [vitest arguments]
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const bin = (name) => fileURLToPath(new URL(`../node_modules/.bin/${name}`, import.meta.url))

/** Runs a command from the project root; resolves with its exit code and, if `quiet`, its output. */
const run = (name, command, args, { quiet }) =>
  new Promise((resolve) => {
    const child = spawn(command, args, {
      cwd: root,
      stdio: quiet ? ['ignore', 'pipe', 'pipe'] : 'inherit',
    })
    let output = ''
    child.stdout?.on('data', (chunk) => {
      output += chunk
    })
    child.stderr?.on('data', (chunk) => {
      output += chunk
    })
    child.once('error', (error) => resolve({ name, code: 1, output: `${error.message}\n` }))
    child.once('close', (code, signal) => resolve({ name, code: code ?? 1, signal, output }))
  })

// The checks as `npm run typecheck` and `npm run lint` run them (package.json says how).
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'
const checks = ['typecheck', 'lint'].map((name) =>
  run(name, npm, ['run', '--silent', name], { quiet: true }),
)
const tests = await run('tests', bin('vitest'), ['run', ...process.argv.slice(2)], { quiet: false })

let failed = tests.code !== 0
for (const check of await Promise.all(checks)) {
  if (check.code === 0) {
    process.stdout.write(`\n${check.name}: passed\n`)
    continue
  }
  failed = true
  process.stdout.write(`\n${check.name}: failed (exit ${check.signal ?? check.code})\n`)
  process.stdout.write(check.output)
}
if (tests.code !== 0) process.stdout.write(`\ntests: failed (exit ${tests.signal ?? tests.code})\n`)
process.exitCode = failed ? 1 : 0

// `npm test`: the typecheck and the lint run beside the test suites rather than before them. The
// suites spend much of their time waiting (on the sandbox, DynamoDB Local, child processes and
// timers), and the two checks fit in that time on two cores. Their output is held and printed
// after the suites', so it is not lost among them; the run fails if any of the three fails.
// Arguments after `npm test --` go to vitest.
import { spawn } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
/** A package's own script, run by this Node (no shell, no `.cmd` shims). */
const script = (path) => join(root, 'node_modules', path)
const cache = join(root, 'node_modules', '.cache', 'halo-hooks')
mkdirSync(cache, { recursive: true })

/** Runs a script; resolves with its exit code and, when `quiet`, what it printed. */
const run = (name, args, quiet) =>
  new Promise((resolve) => {
    const started = Date.now()
    const child = spawn(process.execPath, args, {
      cwd: root,
      stdio: quiet ? ['ignore', 'pipe', 'pipe'] : 'inherit',
    })
    const output = []
    if (quiet) {
      child.stdout.on('data', (chunk) => output.push(chunk))
      child.stderr.on('data', (chunk) => output.push(chunk))
    }
    const finish = (code) =>
      resolve({ name, code, output: Buffer.concat(output).toString(), ms: Date.now() - started })
    child.on('error', (error) => {
      output.push(Buffer.from(`${error.message}\n`))
      finish(1)
    })
    child.on('close', (code, signal) => finish(code ?? (signal ? 1 : 0)))
  })

const results = await Promise.all([
  // Incremental: a run with no change to the types checks in about a second.
  run(
    'typecheck',
    [
      script('typescript/bin/tsc'),
      '--noEmit',
      '--incremental',
      '--tsBuildInfoFile',
      join(cache, 'tsconfig.tsbuildinfo'),
    ],
    true,
  ),
  run('lint', [script('@biomejs/biome/bin/biome'), 'check', '.'], true),
  run('tests', [script('vitest/vitest.mjs'), 'run', ...process.argv.slice(2)], false),
])

for (const { name, code, output, ms } of results.slice(0, 2)) {
  const text = output.trim()
  console.log(`\n${name}: ${code === 0 ? 'passed' : 'FAILED'} (${(ms / 1000).toFixed(1)} s)`)
  if (text) console.log(text)
}
const failed = results.filter((result) => result.code !== 0).map((result) => result.name)
if (failed.length) {
  console.error(`\nnpm test failed: ${failed.join(', ')}`)
  process.exitCode = 1
}

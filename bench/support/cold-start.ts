import { spawn, spawnSync } from 'node:child_process'
import { createHmac } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'

/** Median of `values` (0 for none). */
export const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  if (sorted.length === 0) return 0
  return sorted.length % 2
    ? (sorted[middle] ?? 0)
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2
}

/** `median [min–max]` of a sample, in ms. */
export const spread = (values: readonly number[]): string =>
  `${median(values).toFixed(1)} ms [${Math.min(...values).toFixed(1)}–${Math.max(...values).toFixed(1)}]`

/** Wall-clock and CPU (user + system) time of one measured span, in ms. */
export type Timing = { ms: number; cpuMs: number }

/**
 * Time of one `import()` of a bundle in a fresh Node process: its module initialisation, as in a
 * Lambda cold start (the runtime imports the handler's module, then invokes it). The CPU time
 * beside it is what the machine's other load cannot stretch.
 */
export const importOnce = (file: string, env: Record<string, string>): Timing => {
  const script = `const c = process.cpuUsage(); const t = performance.now(); await import(${JSON.stringify(pathToFileURL(file).href)}); const ms = performance.now() - t; const u = process.cpuUsage(c); process.stdout.write(JSON.stringify({ ms, cpuMs: (u.user + u.system) / 1000 }))`
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    env: { ...process.env, ...env },
    encoding: 'utf8',
  })
  if (child.status !== 0) throw new Error(`import of ${file} failed:\n${child.stderr}`)
  return JSON.parse(child.stdout) as Timing
}

/**
 * Runs `script` as an ES module in a fresh Node process with `args` and `env`, and reads the
 * timing it prints last. Asynchronous, so a stand-in server in this process can answer the child.
 */
const timedChild = (
  script: string,
  args: readonly string[],
  env: Record<string, string>,
  what: string,
): Promise<Timing & { status: number; body: string }> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script, ...args], {
      env: { ...process.env, ...env },
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8')
    })
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8')
    })
    child.on('error', reject)
    child.on('close', (code) => {
      // The handlers log to stdout too: the result is the last line.
      const last = stdout.trim().split('\n').at(-1) ?? ''
      if (code !== 0 || !last.startsWith('{"ms"')) {
        reject(new Error(`${what} failed (${code}):\n${stderr}\n${stdout.slice(-2000)}`))
        return
      }
      resolve(JSON.parse(last) as Timing & { status: number; body: string })
    })
  })

// The child of a cold request: import the bundle, invoke its handler once, and report the time
// since the process started (Node's performance clock starts with the process) and its CPU time.
const COLD_REQUEST = `
const [url, event] = process.argv.slice(1)
const { handler } = await import(url)
const context = {
  functionName: 'cold', awsRequestId: 'cold-1', invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:cold',
  memoryLimitInMB: '512', getRemainingTimeInMillis: () => 10_000, callbackWaitsForEmptyEventLoop: false,
}
const response = await handler(JSON.parse(event), context)
const cpu = process.cpuUsage()
process.stdout.write(JSON.stringify({ ms: performance.now(), cpuMs: (cpu.user + cpu.system) / 1000, status: response.statusCode, body: response.body }))
process.exit(0)
`

/**
 * Process start → answer of the first request, in a fresh Node process: Node's own start, the
 * bundle's module init and one invocation with `event` (its SDK calls go wherever `env` points).
 * Asynchronous, so a stand-in server in this process can answer the child.
 */
export const coldRequestOnce = (
  file: string,
  event: unknown,
  env: Record<string, string>,
): Promise<Timing & { status: number; body: string }> =>
  timedChild(
    COLD_REQUEST,
    [pathToFileURL(file).href, JSON.stringify(event)],
    env,
    `cold request to ${file}`,
  )

// The child of a warm run: import the bundle, invoke its handler once (the cold request), then
// with `count` more events, each the sample with its own id, signed again; the CPU and wall time
// of those alone, per invocation, is what an instance already running pays for each webhook.
const WARM_REQUESTS = `
import { createHmac } from 'node:crypto'
const [url, eventJson, secret, count] = process.argv.slice(1)
const base = JSON.parse(eventJson)
const events = Array.from({ length: Number(count) }, (_, index) => {
  const body = base.body.replace(/"id": *"([^"]*)"/, (_, id) => '"id": "' + id + '-' + index + '"')
  const signature = 'sha256=' + createHmac('sha256', secret).update(body).digest('hex')
  return { ...base, body, headers: { ...base.headers, 'x-signature': signature } }
})
const { handler } = await import(url)
const context = {
  functionName: 'warm', awsRequestId: 'warm-1', invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:warm',
  memoryLimitInMB: '512', getRemainingTimeInMillis: () => 10_000, callbackWaitsForEmptyEventLoop: false,
}
const first = await handler(base, context)
const cpu = process.cpuUsage()
const started = performance.now()
for (const event of events) {
  const response = await handler(event, context)
  if (response.statusCode !== 202) throw new Error('answered ' + response.statusCode + ': ' + response.body)
}
const used = process.cpuUsage(cpu)
process.stdout.write(JSON.stringify({ ms: (performance.now() - started) / events.length, cpuMs: (used.user + used.system) / 1000 / events.length, status: first.statusCode, body: first.body }))
process.exit(0)
`

/**
 * Wall-clock and CPU time per invocation of an instance already running: a fresh process imports
 * `file`, answers `event` once (its cold request), then `count` more signed variants of it, which
 * alone are timed. Asynchronous, so a stand-in server in this process can answer the child.
 */
export const warmRequests = (
  file: string,
  event: { body: string },
  secret: string,
  count: number,
  env: Record<string, string>,
): Promise<Timing & { status: number; body: string }> =>
  timedChild(
    WARM_REQUESTS,
    [pathToFileURL(file).href, JSON.stringify(event), secret, String(count)],
    env,
    `warm requests to ${file}`,
  )

/** The route both ingest bundles serve in the cold request: generic, HMAC-SHA256 hex. */
export const COLD_ROUTE = 'example-hmac'
export const COLD_SECRET = 'cold-start-bench-secret'

/** An API Gateway HTTP API event posting the generic sample, signed for {@link COLD_ROUTE}. */
export const signedSampleEvent = (root: string) => {
  const body = readFileSync(join(root, 'local/samples/generic.json'), 'utf8')
  const signature = `sha256=${createHmac('sha256', COLD_SECRET).update(body).digest('hex')}`
  const path = `/hooks/${COLD_ROUTE}`
  return {
    version: '2.0',
    routeKey: 'POST /hooks/{route}',
    rawPath: path,
    rawQueryString: '',
    headers: {
      host: 'abc123.execute-api.eu-west-1.amazonaws.com',
      'content-type': 'application/json',
      'x-signature': signature,
    },
    requestContext: {
      accountId: '123456789012',
      apiId: 'abc123',
      domainName: 'abc123.execute-api.eu-west-1.amazonaws.com',
      domainPrefix: 'abc123',
      http: { method: 'POST', path, protocol: 'HTTP/1.1', sourceIp: '203.0.113.7', userAgent: 'b' },
      requestId: 'cold-1',
      routeKey: 'POST /hooks/{route}',
      stage: '$default',
      time: '01/Jan/2026:00:00:00 +0000',
      timeEpoch: 1_767_225_600_000,
    },
    pathParameters: { route: COLD_ROUTE },
    body,
    isBase64Encoded: false,
  }
}

/** Whether valgrind is installed (every machine of this workplace has it; CI does not need it). */
export const hasValgrind = (): boolean =>
  spawnSync('valgrind', ['--version'], { encoding: 'utf8' }).status === 0

const CALLGRIND = ['--tool=callgrind', '--callgrind-out-file=/dev/null']
const collected = (stderr: string): number => {
  const count = /Collected : (\d+)/.exec(stderr)?.[1]
  if (count === undefined) throw new Error(`no instruction count from callgrind:\n${stderr}`)
  return Number(count)
}

/**
 * Instructions executed (valgrind's callgrind) by a new Node process that imports `file` and
 * exits: the same each run to within a fraction of a per cent whatever else the machine is doing,
 * where CPU time on a shared machine is not. It counts instructions, not their cost: cache misses,
 * page faults and the kernel's share are in the CPU time alone.
 */
export const importInstructions = (file: string, env: Record<string, string>): number => {
  const script = `await import(${JSON.stringify(pathToFileURL(file).href)})`
  const child = spawnSync(
    'valgrind',
    [...CALLGRIND, process.execPath, '--input-type=module', '-e', script],
    { env: { ...process.env, ...env }, encoding: 'utf8' },
  )
  if (child.status !== 0)
    throw new Error(`import of ${file} under callgrind failed:\n${child.stderr}`)
  return collected(child.stderr)
}

/** {@link coldRequestOnce} under callgrind: the instructions from process start to the answer. */
export const coldRequestInstructions = (
  file: string,
  event: unknown,
  env: Record<string, string>,
): Promise<number> =>
  new Promise((resolve, reject) => {
    const child = spawn(
      'valgrind',
      [
        ...CALLGRIND,
        process.execPath,
        '--input-type=module',
        '-e',
        COLD_REQUEST,
        pathToFileURL(file).href,
        JSON.stringify(event),
      ],
      { env: { ...process.env, ...env } },
    )
    let stderr = ''
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8')
    })
    child.stdout.resume()
    child.on('error', reject)
    child.on('close', (code) => {
      try {
        if (code !== 0)
          throw new Error(`cold request to ${file} under callgrind failed (${code}):\n${stderr}`)
        resolve(collected(stderr))
      } catch (error) {
        reject(error)
      }
    })
  })

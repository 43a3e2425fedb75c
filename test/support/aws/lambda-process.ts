import { type ChildProcess, spawn } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { existsSync, mkdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { ROOT } from './bundle-handler.js'

/** One SDK call (or Halo request) the function made, as the child saw it at the SDK edge. */
export type SdkCall = {
  service: 'sqs' | 'secretsmanager' | 'halo'
  command: string
  input?: unknown
  /** Halo: bytes of the request line, headers and body. */
  bytes?: number
}

/** What one init or invocation cost, measured inside the function's own process. */
export type InvocationCost = {
  wallMs: number
  /** CPU time of the whole process (user + system) during it. */
  cpuMs: number
  /** Every line the function printed (its CloudWatch Logs events). */
  logLines: string[]
  calls: SdkCall[]
  rssBytes: number
}

export type ParentMessage =
  | { type: 'init'; bundleUrl: string }
  | {
      type: 'invoke'
      event: unknown
      functionName: string
      requestId: string
      timeoutMs: number
    }

export type ChildReply =
  | { type: 'started' }
  | { type: 'ready'; cost: InvocationCost }
  | { type: 'result'; response: unknown; cost: InvocationCost }
  | { type: 'error'; message: string }

export type LambdaProcessOptions = {
  /** File URL of the bundled handler (see bundleHandler). */
  bundleUrl: string
  functionName: string
  /** The function's environment, as the stack would set it. */
  env: Record<string, string>
  /** Secret values by SecretId, served by the stubbed Secrets Manager. */
  secrets?: Record<string, string>
  /** Latency of each stubbed SQS and Secrets Manager call, in ms. @default 0 */
  sqsLatencyMs?: number
  secretsLatencyMs?: number
  /** The function's timeout (what getRemainingTimeInMillis counts down from). @default 60_000 */
  timeoutMs?: number
  /**
   * The function's memory (MB): V8's heap is limited as Lambda's Node.js runtime limits it (old
   * space 90 %, semi-space 5 % of it), so the process collects garbage as it would there.
   */
  memoryMb?: number
}

const CHILD = join(dirname(fileURLToPath(import.meta.url)), 'lambda-process-child.ts')

let childScript: Promise<string> | undefined
let childBuilt = false

/**
 * The child as plain JavaScript (its packages left to node_modules), so the process holds what a
 * Lambda container would and nothing of a TypeScript loader: its memory is the function's.
 */
const compiledChild = () => {
  const outfile = join(ROOT, '.tmp', 'bundles', `lambda-process-${process.pid}`, 'child.mjs')
  // A pipeline that stopped removed this process's bundles: the next one builds the child again.
  if (childBuilt && !existsSync(outfile)) {
    childScript = undefined
    childBuilt = false
  }
  childScript ??= (async () => {
    mkdirSync(dirname(outfile), { recursive: true })
    await build({
      entryPoints: [CHILD],
      outfile,
      bundle: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      packages: 'external',
      logLevel: 'silent',
    })
    childBuilt = true
    return outfile
  })()
  return childScript
}

/**
 * Starts a bundled Lambda handler in a Node process of its own (a "container"): its module init
 * is measured as a cold start, then each `invoke` runs the handler with a Lambda context and
 * resolves with its response and its cost. SQS and Secrets Manager are stubbed in that process;
 * DynamoDB and Halo are reached over HTTP (point `AWS_ENDPOINT_URL_DYNAMODB` in `env`).
 */
export const startLambdaProcess = async (options: LambdaProcessOptions) => {
  const memory = options.memoryMb
  const heap = memory
    ? [
        `--max-old-space-size=${Math.floor(memory * 0.9)}`,
        `--max-semi-space-size=${Math.max(1, Math.floor(memory * 0.05))}`,
      ]
    : []
  const child: ChildProcess = spawn(process.execPath, [...heap, await compiledChild()], {
    env: {
      PATH: process.env.PATH,
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      ...(memory ? { AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(memory) } : {}),
      ...options.env,
      METER_SECRETS: JSON.stringify(options.secrets ?? {}),
      METER_SQS_LATENCY_MS: String(options.sqsLatencyMs ?? 0),
      METER_SECRETS_LATENCY_MS: String(options.secretsLatencyMs ?? 0),
    },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  })
  const replies: ChildReply[] = []
  let waiting: ((reply: ChildReply) => void) | undefined
  let exited: string | undefined
  child.on('message', (reply: ChildReply) => {
    if (waiting) {
      const resolve = waiting
      waiting = undefined
      resolve(reply)
    } else replies.push(reply)
  })
  child.on('exit', (code, signal) => {
    exited = `the ${options.functionName} process exited (${code ?? signal})`
    waiting?.({ type: 'error', message: exited })
  })
  const next = () =>
    new Promise<ChildReply>((resolve) => {
      const queued = replies.shift()
      if (queued) resolve(queued)
      else if (exited) resolve({ type: 'error', message: exited })
      else waiting = resolve
    })
  const expect = async <T extends ChildReply['type']>(type: T) => {
    const reply = await next()
    if (reply.type === 'error') throw new Error(reply.message)
    if (reply.type !== type) throw new Error(`expected ${type} from the child, got ${reply.type}`)
    return reply as Extract<ChildReply, { type: T }>
  }

  await expect('started')
  child.send({ type: 'init', bundleUrl: options.bundleUrl } satisfies ParentMessage)
  const init = (await expect('ready')).cost

  return {
    /** The cold start: importing the bundle (module init). */
    init,
    /** Runs the handler once with `event`; resolves with its response and what it cost. */
    async invoke(event: unknown): Promise<{ response: unknown; cost: InvocationCost }> {
      child.send({
        type: 'invoke',
        event,
        functionName: options.functionName,
        requestId: randomUUID(),
        timeoutMs: options.timeoutMs ?? 60_000,
      } satisfies ParentMessage)
      const { response, cost } = await expect('result')
      return { response, cost }
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return
      const gone = new Promise((done) => child.once('exit', done))
      child.kill('SIGTERM')
      await gone
    },
  }
}

export type LambdaProcess = Awaited<ReturnType<typeof startLambdaProcess>>

import { type ChildProcess, spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import type { IngestServerMode } from './ingest-server.js'

export type ChildServer = {
  url: string
  /** The queue URL the SQS stand-in serves (`sqs-stand-in` only). */
  queueUrl?: string
  /** The child's `process.cpuUsage()`, user + system, in µs. */
  cpu(): Promise<number>
  /** Stops the child (SIGTERM, by its pid) and resolves with the stats it printed, if any. */
  stop(): Promise<Record<string, unknown>>
}

const SERVER = fileURLToPath(new URL('./ingest-server.ts', import.meta.url))

/**
 * Starts `ingest-server.ts <mode>` in a child Node process (through tsx), with `env` added to its
 * environment, and waits for READY.
 */
export const startChildServer = (
  mode: IngestServerMode,
  env: Record<string, string> = {},
): Promise<ChildServer> =>
  new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', SERVER, mode], {
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      env: { ...process.env, NODE_ENV: 'production', ...env },
    })
    let output = ''
    let errors = ''
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`the ${mode} server did not start within 30 s: ${errors}`))
    }, 30_000)
    child.stderr?.on('data', (chunk: Buffer) => {
      errors += chunk.toString()
    })
    child.on('exit', (code) => {
      clearTimeout(timer)
      if (!output.includes('READY'))
        reject(new Error(`the ${mode} server exited ${code}: ${errors}`))
    })
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString()
      const ready = /READY (\S+)(?: (\S+))?\n/.exec(output)
      if (!ready?.[1] || output.indexOf('READY') !== output.lastIndexOf('READY')) return
      clearTimeout(timer)
      resolve({
        url: ready[1],
        ...(ready[2] ? { queueUrl: ready[2] } : {}),
        cpu: () =>
          new Promise((answered) => {
            child.once('message', (message) => {
              const { cpu } = message as { cpu: NodeJS.CpuUsage }
              answered(cpu.user + cpu.system)
            })
            child.send('cpu')
          }),
        stop: () =>
          new Promise((done) => {
            const kill = setTimeout(() => child.kill('SIGKILL'), 5_000)
            child.once('exit', () => {
              clearTimeout(kill)
              const stats = /STATS (.+)/.exec(output)?.[1]
              done(stats ? (JSON.parse(stats) as Record<string, unknown>) : {})
            })
            child.kill('SIGTERM')
          }),
      })
    })
  })

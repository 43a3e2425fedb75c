import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import { createHaloSandbox, type HaloSandboxOptions } from './halo-sandbox.js'

export type StartHaloSandboxOptions = {
  /** 0 picks a free port. @default 0 */
  port?: number
  /** @default '127.0.0.1' */
  hostname?: string
} & HaloSandboxOptions

/**
 * Serves a new Halo sandbox over real HTTP. Resolves once it listens; `url` is the instance root
 * to give the Halo client as `baseUrl`.
 */
export const startHaloSandbox = async (options: StartHaloSandboxOptions = {}) => {
  const { port = 0, hostname = '127.0.0.1', ...sandboxOptions } = options
  const sandbox = createHaloSandbox(sandboxOptions)
  const { server, address } = await new Promise<{
    server: ReturnType<typeof serve>
    address: AddressInfo
  }>((resolve, reject) => {
    const server = serve({ fetch: sandbox.app.fetch, port, hostname }, (info) =>
      resolve({ server, address: info }),
    )
    server.once('error', reject)
  })
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address
  return {
    url: `http://${host}:${address.port}`,
    sandbox,
    /** Stops listening and cuts open connections (including held-back `hang` answers). */
    close: () =>
      new Promise<void>((resolve, reject) => {
        sandbox.releaseHangs()
        server.close((error) => (error ? reject(error) : resolve()))
        if ('closeAllConnections' in server) server.closeAllConnections()
      }),
  }
}

export type RunningHaloSandbox = Awaited<ReturnType<typeof startHaloSandbox>>

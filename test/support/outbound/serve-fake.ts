import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import type { Context, Hono } from 'hono'

/** A scripted answer a fake gives instead of its normal one, in order. */
export type ScriptedFault = { status: number; headers?: Record<string, string>; body?: string }

/** A request a fake received, as it arrived. */
export type ReceivedRequest = {
  method: string
  path: string
  headers: Record<string, string>
  body: string
}

/**
 * What every fake shares: the requests it received and a queue of scripted faults that answer
 * the next requests (for 5xx, 429 with `Retry-After`, ...). `record` runs first in each handler.
 */
export const createFakeRecorder = () => {
  const requests: ReceivedRequest[] = []
  const faults: ScriptedFault[] = []
  return {
    requests,
    /** Answers the next requests with these, one each, before the fake answers normally again. */
    failNext: (...next: ScriptedFault[]) => {
      faults.push(...next)
    },
    /** Records the request; resolves with its body, or with a scripted fault's response. */
    async record(c: Context): Promise<{ body: string; fault?: Response }> {
      const body = await c.req.text()
      const url = new URL(c.req.url)
      requests.push({
        method: c.req.method,
        path: `${url.pathname}${url.search}`,
        headers: Object.fromEntries(c.req.raw.headers.entries()),
        body,
      })
      const fault = faults.shift()
      if (!fault) return { body }
      return {
        body,
        fault: new Response(fault.body ?? '', { status: fault.status, headers: fault.headers }),
      }
    },
  }
}

/** Serves a fake's Hono app on an ephemeral local port until `close()`. */
export const serveFake = async (app: Hono) => {
  const { server, address } = await new Promise<{
    server: ReturnType<typeof serve>
    address: AddressInfo
  }>((resolve, reject) => {
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) =>
      resolve({ server, address: info }),
    )
    server.once('error', reject)
  })
  return {
    url: `http://127.0.0.1:${address.port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()))
        if ('closeAllConnections' in server) server.closeAllConnections()
      }),
  }
}

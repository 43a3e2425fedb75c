import { createHmac } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { eventually, REPO_ROOT, runNpm, waitForOutput } from '../support/processes.js'

// What local/dev-secrets.json holds for the example-hmac route.
const HMAC_SECRET = 'dev-only-hmac-secret-change-me'
const SAMPLE = JSON.parse(readFileSync(`${REPO_ROOT}/local/samples/generic.json`, 'utf8'))

type Ticket = { id: number; status_id: number; third_party_id_string?: string }
type Request = { method: string; path: string }
type Delivery = { action?: string; reason?: string; ticketId?: number }

describe('npm start closes the loop with Halo (sandbox webhooks → halo route)', () => {
  it('a technician close on the board updates the state with 0 Halo reads, and the next firing opens a new ticket', async () => {
    const gateway = runNpm(['start'], { PORT: '0', HALO_HOOKS_DATA_DIR: 'memory' })
    try {
      const [, url] = await waitForOutput(gateway, /listening on (http:\/\/\S+)/)
      await waitForOutput(gateway, /stop: +Ctrl-C/)
      expect(gateway.output()).toContain(`webhook: the sandbox tells ${url}/hooks/halo`)
      const halo = `${url}/halo`
      const fire = async (delivery: string, message: string) => {
        const body = JSON.stringify({ ...SAMPLE, message })
        const signature = createHmac('sha256', HMAC_SECRET).update(body).digest('hex')
        const response = await fetch(`${url}/hooks/example-hmac`, {
          method: 'POST',
          body,
          headers: { 'x-signature': `sha256=${signature}`, 'x-delivery-id': delivery },
        })
        expect(response.status).toBe(202)
      }
      const tickets = async () =>
        ((await (await fetch(`${halo}/sandbox/state`)).json()) as { tickets: Ticket[] }).tickets
      const requests = async () =>
        (await (await fetch(`${halo}/sandbox/requests`)).json()) as Request[]
      const deliveries = async () =>
        ((await (await fetch(`${url}/deliveries.json`)).json()) as { deliveries: Delivery[] })
          .deliveries

      await fire('first', SAMPLE.message)
      const [ticket] = await eventually(async () => {
        const found = await tickets()
        return found.length ? found : undefined
      })
      const before = (await requests()).length

      const close = await fetch(`${halo}/sandbox/tickets/${ticket?.id}/close`, {
        method: 'POST',
        headers: { accept: 'text/html' },
        redirect: 'manual',
      })
      expect(close.status).toBe(303)
      const applied = await eventually(async () =>
        (await deliveries()).find((delivery) => delivery.action === 'apply'),
      )
      // The sandbox source demo is on under npm start: the source is told, once, and says so.
      const { receipts } = (await (await fetch(`${halo}/sandbox/source-receiver`)).json()) as {
        receipts: { webhookId: string; ticketId: number; alertKey: string }[]
      }
      expect(receipts).toEqual([
        expect.objectContaining({ ticketId: ticket?.id, alertKey: SAMPLE.id }),
      ])
      expect(applied).toMatchObject({
        ticketId: ticket?.id,
        reason: `closed in Halo; at the source (webhook): notified ${receipts[0]?.webhookId}`,
      })
      expect((await requests()).slice(before)).toEqual([])

      await fire('second', 'Free space on C: is 2.9 GB (3.7%).')
      const after = await eventually(async () => {
        const found = await tickets()
        return found.length === 2 ? found : undefined
      })
      expect(after.map((t) => t.status_id)).toEqual([1, 9]) // newest first
      expect((await requests()).slice(before).map((r) => `${r.method} ${r.path}`)).toEqual([
        'POST post /api/tickets',
      ])
    } finally {
      gateway.interrupt()
      await gateway.exited
    }
  })
})

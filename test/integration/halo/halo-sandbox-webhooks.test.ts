import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import { Hono } from 'hono'
import { afterEach, describe, expect, it } from 'vitest'
import { SANDBOX_CREDENTIALS } from '../../../local/halo-sandbox/halo-sandbox.js'
import type { SandboxWebhook } from '../../../local/halo-sandbox/sandbox-webhooks.js'
import {
  type RunningHaloSandbox,
  startHaloSandbox,
} from '../../../local/halo-sandbox/start-halo-sandbox.js'

type Received = { authorization: string | undefined; body: Record<string, unknown> }

/** A receiver for the sandbox's webhooks over real HTTP, answering 202 as ingest does. */
const startReceiver = async () => {
  const received: Received[] = []
  const app = new Hono().post('/hooks/halo', async (c) => {
    received.push({ authorization: c.req.header('authorization'), body: await c.req.json() })
    return c.json({ accepted: 1 }, 202)
  })
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const started = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () =>
      resolve(started),
    )
  })
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/hooks/halo`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

let receiver: Awaited<ReturnType<typeof startReceiver>>
let running: RunningHaloSandbox
afterEach(async () => {
  await running.close()
  await receiver.close()
})

const setup = async (webhook: Partial<SandboxWebhook> = {}) => {
  receiver = await startReceiver()
  running = await startHaloSandbox({
    webhook: { url: receiver.url, username: 'halo-hooks', password: 'pw', ...webhook },
  })
  const token = await fetch(`${running.url}/auth/token`, {
    method: 'POST',
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: SANDBOX_CREDENTIALS.clientId,
      client_secret: SANDBOX_CREDENTIALS.clientSecret,
    }),
  }).then(async (r) => ((await r.json()) as { access_token: string }).access_token)
  const api = (path: string, method: string, body?: unknown) =>
    fetch(`${running.url}/api${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    })
  const created = (await (
    await api('/Tickets', 'POST', [{ summary: 'Disk full', tickettype_id: 1, client_id: 12 }])
  ).json()) as { id: number }
  return { api, ticketId: created.id }
}

describe('the Halo sandbox webhooks', () => {
  it('announces a close made through the API as status changed and closed, key fields, Basic auth', async () => {
    const { api, ticketId } = await setup()

    await api('/Tickets', 'POST', [{ id: ticketId, status_id: 9 }])
    await running.sandbox.webhooksSettled()

    expect(receiver.received.map((r) => r.body.event)).toEqual([
      'ticket status changed',
      'ticket closed',
    ])
    const [first] = receiver.received
    expect(first?.authorization).toBe(`Basic ${Buffer.from('halo-hooks:pw').toString('base64')}`)
    expect(first?.body).toMatchObject({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      webhook_id: expect.any(String),
      object_id: ticketId,
      timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z$/),
      ticket: { id: ticketId, status_id: 9, hasbeenclosed: true, client_id: 12 },
    })
    expect(running.sandbox.webhookDeliveries()).toEqual([
      { event: 'ticket status changed', ticketId, status: 202 },
      { event: 'ticket closed', ticketId, status: 202 },
    ])
  })

  it('sends the technician and the action with the full object when a technician closes on the board', async () => {
    const { ticketId } = await setup({ payload: 'full', events: ['ticket closed'] })

    const response = await fetch(`${running.url}/sandbox/tickets/${ticketId}/close`, {
      method: 'POST',
      headers: { accept: 'text/html' },
      redirect: 'manual',
    })
    await running.sandbox.webhooksSettled()

    expect(response.status).toBe(303)
    expect(receiver.received).toHaveLength(1)
    expect(receiver.received[0]?.body).toMatchObject({
      event: 'ticket closed',
      ticket: { id: ticketId, closure_agent_id: 2, hasbeenclosed: true },
      action: { who: 'Sam Carter', who_agentid: 2, new_status: 9 },
    })
    // Halo records an action made in its web UI by the agent, with no API application.
    expect(receiver.received[0]?.body.action).toMatchObject({ actionby_application_id: null })
  })

  it('announces a deletion with the header only', async () => {
    const { api, ticketId } = await setup()

    await api(`/Tickets/${ticketId}`, 'DELETE')
    await running.sandbox.webhooksSettled()

    expect(receiver.received.map((r) => r.body)).toEqual([
      expect.objectContaining({ event: 'ticket deleted', object_id: ticketId }),
    ])
    expect(receiver.received[0]?.body).not.toHaveProperty('ticket')
  })

  it('sends nothing for a save that leaves the status as it was, or once the webhook is removed', async () => {
    const { api, ticketId } = await setup()

    await api('/Tickets', 'POST', [{ id: ticketId, summary: 'Disk still full' }])
    running.sandbox.setWebhook(undefined)
    await api('/Tickets', 'POST', [{ id: ticketId, status_id: 9 }])
    await running.sandbox.webhooksSettled()

    expect(receiver.received).toEqual([])
  })
})

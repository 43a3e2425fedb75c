import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { eventually, REPO_ROOT, runNpm, waitForOutput } from '../support/processes.js'

type Ticket = { id: number; summary: string; client_id: number; third_party_id_string: string }

const haloToken = async (haloUrl: string) => {
  const response = await fetch(`${haloUrl}/auth/token`, {
    method: 'POST',
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: 'halo-hooks-local',
      client_secret: 'local-sandbox-secret',
      scope: 'all',
    }),
  })
  return ((await response.json()) as { access_token: string }).access_token
}

const ticketsIn = async (haloUrl: string): Promise<Ticket[]> => {
  const response = await fetch(`${haloUrl}/api/tickets`, {
    headers: { authorization: `Bearer ${await haloToken(haloUrl)}` },
  })
  return ((await response.json()) as { tickets: Ticket[] }).tickets
}

// The gateway's state goes to a directory of the test's own, never the working tree's.
const dataDir = mkdtempSync(join(tmpdir(), 'halo-hooks-quick-start-'))
afterAll(() => rmSync(dataDir, { recursive: true, force: true }))

describe('the README quick start', () => {
  it('npm start, then npm run send, creates a ticket in the sandbox; closing it on the board resolves the alert at the sandbox source; Ctrl-C stops cleanly', async () => {
    const gateway = runNpm(['start'], { PORT: '0', HALO_HOOKS_DATA_DIR: dataDir })
    try {
      const [, url] = await waitForOutput(gateway, /listening on (http:\/\/\S+)/)
      const output = await waitForOutput(gateway, /stop: +Ctrl-C/)
      expect(gateway.output()).toContain(`POST ${url}/hooks/example-hmac`)
      expect(gateway.output()).toContain(`${url}/halo/ (board)`)
      expect(gateway.output()).toContain(`deliveries: ${url}/deliveries`)
      expect(gateway.output()).toContain(`state:   ${join(dataDir, 'halo-hooks.db')} (SQLite`)
      expect(existsSync(join(dataDir, 'halo-hooks.db'))).toBe(true)
      expect(output).toBeTruthy()

      const send = runNpm(['send', '--', 'example-hmac'], { HALO_HOOKS_URL: String(url) })
      expect(await send.exited).toBe(0)
      expect(send.output()).toContain('-> 202')

      const haloUrl = `${url}/halo`
      const [ticket] = await eventually(async () => {
        const tickets = await ticketsIn(haloUrl)
        return tickets.length ? tickets : undefined
      })
      const sample = JSON.parse(readFileSync(`${REPO_ROOT}/local/samples/generic.json`, 'utf8'))
      expect(ticket).toMatchObject({ summary: `[CRITICAL] ${sample.summary}`, client_id: 12 })
      // Halo's list rows leave third_party_id_string out; the ticket itself carries it.
      const whole = await fetch(`${haloUrl}/api/tickets/${ticket?.id}`, {
        headers: { authorization: `Bearer ${await haloToken(haloUrl)}` },
      })
      expect(await whole.json()).toMatchObject({
        third_party_id_string: `hh:example-hmac:${sample.id}`,
      })
      const board = await (await fetch(`${haloUrl}/`)).text()
      expect(board).toContain(sample.summary)
      const deliveries = await eventually(async () => {
        const { deliveries } = (await (await fetch(`${url}/deliveries.json`)).json()) as {
          deliveries: { outcome: string; ticketUrl?: string }[]
        }
        return deliveries.length ? deliveries : undefined
      })
      expect(deliveries).toEqual([
        expect.objectContaining({
          outcome: 'delivered',
          ticketUrl: `${url}/halo/#ticket-${ticket?.id}`,
        }),
      ])

      // The loop's other end: a technician's close on the board resolves the alert at the
      // sandbox's source receiver, which verified the signed webhook.
      const receiverUrl = `${haloUrl}/sandbox/source-receiver`
      expect(gateway.output()).toContain(`sandbox's source receiver, ${receiverUrl}`)
      const close = await fetch(`${haloUrl}/sandbox/tickets/${ticket?.id}/close`, {
        method: 'POST',
      })
      expect(close.status).toBe(200)
      const receipts = await eventually(async () => {
        const { receipts } = (await (await fetch(receiverUrl)).json()) as { receipts: unknown[] }
        return receipts.length ? receipts : undefined
      })
      expect(receipts).toEqual([
        expect.objectContaining({
          ticketId: ticket?.id,
          route: 'example-hmac',
          alertKey: sample.id,
        }),
      ])
    } finally {
      gateway.interrupt()
    }
    await gateway.exited
    // npm itself dies of the SIGINT as in a terminal; what matters is that our process finished
    // its work, said so, and left no process of the group behind.
    expect(gateway.output()).toContain('SIGINT: finishing deliveries in hand and stopping')
    await eventually(async () => (gateway.groupAlive() ? undefined : true), 10_000)
  })

  it('npm run send explains a route that does not exist', async () => {
    const send = runNpm(['send', '--', 'no-such-route'], { HALO_HOOKS_URL: 'http://127.0.0.1:9' })
    expect(await send.exited).toBe(1)
    expect(send.output()).toContain(
      'no route "no-such-route"; routes: prometheus, example-hmac, example-bearer, halo',
    )
  })

  it('npm run validate prints every problem of a broken config at once and fails', async () => {
    const validate = runNpm([
      'validate',
      '--',
      `${REPO_ROOT}/test/fixtures/config/broken.config.ts`,
    ])
    expect(await validate.exited).toBe(1)
    const output = validate.output()
    expect(output).toContain('routes.alerts.tikcet: unknown key (did you mean "ticket"?)')
    expect(output).toContain('routes.alerts.auth.header: must be an HTTP header name')
    expect(output).toContain('routes.other.source: unknown source "nagios"')
  })
})

import { afterEach, describe, expect, it } from 'vitest'
import { alertmanagerNotification } from '../support/alertmanager.js'
import { startTestGateway } from '../support/gateway-harness.js'

let harness: Awaited<ReturnType<typeof startTestGateway>>
afterEach(async () => {
  await harness.gateway.close()
})

type DryRun = {
  authenticated: boolean
  rejected?: { code: string }
  alerts: { key: string; status: string }[]
  plans: {
    decision: { kind: string; ticketId?: number }
    calls: { method: string; path: string; body: Record<string, unknown>[] }[]
    routing?: { clientId: number; via: string }
    lookupsNotMade?: string[]
    error?: { code: string; detail: string }
  }[]
}

const preview = async (body: string, headers: Record<string, string> = {}): Promise<DryRun> => {
  const response = await fetch(`${harness.gateway.url}/dry-run/prometheus`, {
    method: 'POST',
    body,
    headers: { authorization: 'Bearer e2e-prometheus-token', ...headers },
  })
  expect(response.status).toBe(200)
  return (await response.json()) as DryRun
}

describe('POST /dry-run/:route', () => {
  it('shows the alerts, the lifecycle decision and the Halo calls, and changes nothing', async () => {
    harness = await startTestGateway()
    const firing = alertmanagerNotification([
      { fingerprint: 'fp-1', status: 'firing', labels: { customer: 'acme', host: 'acme-dc01' } },
    ])

    const first = await preview(firing)
    expect(first.authenticated).toBe(true)
    expect(first.alerts).toEqual([expect.objectContaining({ key: 'fp-1', status: 'firing' })])
    const [plan] = first.plans
    expect(plan?.decision).toMatchObject({ kind: 'create', occurrences: 1 })
    expect(plan?.routing).toMatchObject({ clientId: 12, via: 'tenant map (acme)' })
    expect(plan?.lookupsNotMade).toEqual(['Halo asset with host name "acme-dc01"'])
    expect(plan?.calls).toEqual([
      {
        method: 'POST',
        path: '/api/Tickets',
        body: [
          expect.objectContaining({
            client_id: 12,
            third_party_id_string: 'hh:prometheus:fp-1',
            priority_id: 1,
          }),
        ],
      },
    ])
    expect(harness.sandbox.tickets()).toEqual([])
    expect(harness.sandbox.requests()).toEqual([])

    // After the real delivery, the same request would add a note to the ticket.
    expect((await harness.post('prometheus', firing.replace('below 5%', 'below 4%'))).status).toBe(
      202,
    )
    await harness.settled()
    const [ticket] = harness.ticketsOf('fp-1')
    const second = await preview(firing)
    expect(second.plans[0]?.decision).toMatchObject({ kind: 'note', ticketId: ticket?.id })
    expect(second.plans[0]?.calls[0]).toMatchObject({
      path: '/api/Actions',
      body: [expect.objectContaining({ ticket_id: ticket?.id, outcome: 'Private Note' })],
    })
    expect(harness.ticketsOf('fp-1')[0]?.actions).toEqual([])
  })

  it('says when a request would not authenticate, without rejecting the preview', async () => {
    harness = await startTestGateway()
    const result = await preview(
      alertmanagerNotification([{ fingerprint: 'fp-2', status: 'firing' }]),
      {
        authorization: 'Bearer wrong',
      },
    )
    expect(result.authenticated).toBe(false)
    expect(result.rejected).toMatchObject({ code: 'auth_invalid' })
    expect(result.plans[0]?.decision).toMatchObject({ kind: 'create' })
  })
})

import { afterEach, describe, expect, it } from 'vitest'
import { alertmanagerNotification } from '../support/alertmanager.js'
import { contactConfig as withContact } from '../support/contact-config.js'
import { startTestGateway } from '../support/gateway-harness.js'

let harness: Awaited<ReturnType<typeof startTestGateway>>
afterEach(async () => {
  await harness.gateway.close()
})

const fire = async (fingerprint: string, labels: Record<string, string>) => {
  const body = alertmanagerNotification([{ fingerprint, status: 'firing', labels }])
  expect((await harness.post('prometheus', body)).status).toBe(202)
  await harness.settled()
}

/** The sandbox's ticket of one alert, with the Halo fields a contact sets. */
const ticketOf = (fingerprint: string) =>
  harness.ticketsOf(fingerprint)[0] as unknown as
    | {
        client_id: number
        site_id: number | null
        user_id: number | null
        user_name: string | null
      }
    | undefined

/** The routing each delivered envelope's audit line recorded, by its alert key. */
const routingOf = (key: string) =>
  harness.logs
    .map((line) => JSON.parse(line) as { message?: string; key?: string; routing?: unknown })
    .find((line) => line.message === 'envelope delivered' && line.key === key)?.routing

const userLookups = () =>
  harness.sandbox.requests().filter((request) => request.path === 'get /api/users')

describe('tenant.contact through the gateway and the sandbox', () => {
  it("sets the ticket's end user found by the alert's e-mail label within its client, once per contact", async () => {
    harness = await startTestGateway({ config: withContact })

    await fire('fp-priya', { customer: 'acme', contact: 'Priya.Shah@Acme-Dental.example' })
    await fire('fp-priya-2', { customer: 'acme', contact: 'priya.shah@acme-dental.example' })

    expect(ticketOf('fp-priya')).toMatchObject({
      client_id: 12,
      site_id: 21,
      user_id: 101,
      user_name: 'Priya Shah',
    })
    expect(ticketOf('fp-priya-2')).toMatchObject({ user_id: 101 })
    expect(routingOf('fp-priya')).toEqual({
      clientId: 12,
      via: 'tenant map (acme)',
      siteId: 21,
      contact: { userId: 101, via: 'Halo user by e-mail "Priya.Shah@Acme-Dental.example"' },
    })
    // The second alert's lookup came from the cache.
    expect(userLookups()).toHaveLength(1)
  })

  it('leaves the user unset, and says why, for two people of one name or a user of another client', async () => {
    harness = await startTestGateway({ config: withContact })

    await fire('fp-tom', { customer: 'acme', contact: 'Tom Okafor' })
    await fire('fp-lena', { customer: 'acme', contact: 'lena.fischer@brightwater.example' })

    expect(ticketOf('fp-tom')).toMatchObject({ client_id: 12, user_id: null })
    expect(routingOf('fp-tom')).toMatchObject({
      contact: { reason: '2 Halo users named "Tom Okafor" in client 12 (ids 102, 106): not set' },
    })
    expect(ticketOf('fp-lena')).toMatchObject({ client_id: 12, user_id: null })
    expect(routingOf('fp-lena')).toMatchObject({
      contact: {
        reason: 'no Halo user with e-mail "lena.fischer@brightwater.example" in client 12: not set',
      },
    })
  })

  it('looks the contact up only when it creates a ticket', async () => {
    harness = await startTestGateway({ config: withContact })

    await fire('fp-repeat', { customer: 'cobalt', contact: 'aoife.byrne@cobalt.example' })
    // Repeats note the ticket: a contact they name (another one here) is not looked up.
    harness.advance(120)
    await fire('fp-repeat', { customer: 'cobalt', contact: 'someone.else@cobalt.example' })

    expect(ticketOf('fp-repeat')).toMatchObject({ client_id: 14, site_id: 41, user_id: 105 })
    expect(harness.ticketsOf('fp-repeat')[0]?.actions).toHaveLength(1)
    expect(userLookups()).toHaveLength(1)
  })

  it('shows the contact decision and the lookup it would make in the dry run', async () => {
    harness = await startTestGateway({ config: withContact })
    const body = alertmanagerNotification([
      {
        fingerprint: 'fp-dry',
        status: 'firing',
        labels: { customer: 'acme', contact: 'priya.shah@acme-dental.example' },
      },
    ])

    const response = await fetch(`${harness.gateway.url}/dry-run/prometheus`, {
      method: 'POST',
      body,
      headers: { authorization: 'Bearer e2e-prometheus-token' },
    })
    const { plans } = (await response.json()) as {
      plans: { routing?: { contact?: unknown }; lookupsNotMade?: string[] }[]
    }

    expect(plans[0]?.lookupsNotMade).toContain(
      'Halo users of client 12 with e-mail "priya.shah@acme-dental.example"',
    )
    expect(plans[0]?.routing?.contact).toEqual({
      reason:
        'not looked up in a dry run: delivery sets user_id when exactly one user matches (Halo users of client 12 with e-mail "priya.shah@acme-dental.example")',
    })
    expect(userLookups()).toEqual([])
    expect(harness.sandbox.tickets()).toEqual([])
  })
})

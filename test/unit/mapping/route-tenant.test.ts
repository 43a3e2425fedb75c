import { describe, expect, it } from 'vitest'
import { HaloApiError, UnroutableError } from '../../../shared/errors.js'
import { matchesContact } from '../../../shared/halo/contact-match.js'
import type { HaloDirectory } from '../../../shared/halo/halo-directory.js'
import { routeTenant } from '../../../shared/mapping/route-tenant.js'
import { TenantPolicySchema } from '../../../shared/mapping/tenant-policy.js'

/**
 * Users as Halo lists them, of every client: a directory that answers them all lets the rules
 * prove they keep a user of another client off the ticket.
 */
const USERS = [
  {
    id: 101,
    name: 'Priya Shah',
    emailaddress: 'priya.shah@acme-dental.example',
    clientId: 12,
    siteId: 21,
  },
  {
    id: 102,
    name: 'Tom Okafor',
    emailaddress: 'tom.okafor@acme-dental.example',
    clientId: 12,
    siteId: 22,
  },
  {
    id: 107,
    name: 'Tom Okafor',
    emailaddress: 'tom.o@acme-dental.example',
    clientId: 12,
    siteId: 21,
  },
  {
    id: 103,
    name: 'Lena Fischer',
    emailaddress: 'lena.fischer@brightwater.example',
    clientId: 13,
    siteId: 31,
  },
]

/** A directory over a fixed table, as Halo would answer: Acme is client 12, its DC is asset 501. */
const directory = (): HaloDirectory & { asked: string[] } => {
  const asked: string[] = []
  return {
    contacts: async (clientId, lookup) => {
      asked.push(`contact ${clientId} ${lookup.by} ${lookup.value}`)
      return USERS.filter((user) => matchesContact(user, lookup)).map(
        ({ id, clientId, siteId }) => ({
          id,
          clientId,
          siteId,
        }),
      )
    },
    asked,
    clientIdByName: async (name) => {
      asked.push(`client ${name}`)
      return name.toLowerCase() === 'acme dental' ? 12 : undefined
    },
    asset: async ({ hostname, inventoryNumber }) => {
      asked.push(`asset ${hostname ?? inventoryNumber}`)
      if (hostname === 'acme-dc01' || inventoryNumber === 'ACME-0001')
        return { id: 501, clientId: 12, siteId: 21 }
      return undefined
    },
  }
}
const policy = (fields: object = {}) => TenantPolicySchema.parse(fields)
const ticket = { summary: 'Disk full' }

describe('routeTenant', () => {
  it('keeps a client the ticket templates set, linking the asset only if it is that client’s', async () => {
    const dir = directory()
    const own = await routeTenant(
      { ...ticket, client_id: 12 },
      { resource: 'acme-dc01' },
      policy({ asset: 'hostname' }),
      dir,
    )
    expect(own.ticket).toMatchObject({ client_id: 12, site_id: 21, assets: [{ id: 501 }] })
    const other = await routeTenant(
      { ...ticket, client_id: 13 },
      { resource: 'acme-dc01' },
      policy({ asset: 'hostname' }),
      dir,
    )
    expect(other.ticket).toEqual({ ...ticket, client_id: 13 })
  })

  it('uses the mapping table by tenant id, then by name', async () => {
    const rules = policy({ clients: { 'cust-7': 13, Acme: 12 } })
    expect(
      (await routeTenant(ticket, { tenant: { id: 'cust-7' } }, rules, directory())).routing,
    ).toEqual({
      clientId: 13,
      via: 'tenant map (cust-7)',
    })
    expect(
      (await routeTenant(ticket, { tenant: { name: 'Acme' } }, rules, directory())).routing
        .clientId,
    ).toBe(12)
  })

  it('looks the client up in Halo by name only when asked to', async () => {
    const alert = { tenant: { name: 'Acme Dental' } }
    await expect(routeTenant(ticket, alert, policy(), directory())).rejects.toBeInstanceOf(
      UnroutableError,
    )
    const routed = await routeTenant(
      ticket,
      alert,
      policy({ lookupClientByName: true }),
      directory(),
    )
    expect(routed.routing).toEqual({ clientId: 12, via: 'Halo client named "Acme Dental"' })
  })

  it('takes client and site from the asset found by host name or asset tag', async () => {
    const byHost = await routeTenant(
      ticket,
      { resource: 'acme-dc01' },
      policy({ asset: 'hostname' }),
      directory(),
    )
    expect(byHost.ticket).toMatchObject({ client_id: 12, site_id: 21, assets: [{ id: 501 }] })
    const byTag = await routeTenant(
      ticket,
      { resource: 'ACME-0001' },
      policy({ asset: 'inventory-number' }),
      directory(),
    )
    expect(byTag.routing).toMatchObject({ clientId: 12, assetId: 501, via: 'asset 501' })
  })

  it('looks an asset up by the host name of a host:port resource, in lower case', async () => {
    const dir = directory()

    const routed = await routeTenant(
      ticket,
      { resource: 'ACME-DC01:9100' },
      policy({ asset: 'hostname' }),
      dir,
    )

    expect(dir.asked).toEqual(['asset acme-dc01'])
    expect(routed.routing).toEqual({ clientId: 12, via: 'asset 501', assetId: 501, siteId: 21 })
  })

  it('looks an asset tag up as it is, port-like suffix and case included', async () => {
    const dir = directory()

    await routeTenant(
      ticket,
      { resource: 'ACME-0001:7' },
      policy({ asset: 'inventory-number', fallbackClientId: 1 }),
      dir,
    )

    expect(dir.asked).toEqual(['asset ACME-0001:7'])
  })

  it('falls back only to a client the route names explicitly', async () => {
    const routed = await routeTenant(
      ticket,
      { resource: 'nowhere' },
      policy({ asset: 'hostname', fallbackClientId: 1 }),
      directory(),
    )
    expect(routed.routing).toEqual({ clientId: 1, via: 'fallback' })
  })

  it('refuses an alert nothing routes, saying what it tried', async () => {
    await expect(
      routeTenant(
        ticket,
        { tenant: { id: 'x', name: 'Nobody Ltd' }, resource: 'ghost' },
        policy({ asset: 'hostname' }),
        directory(),
      ),
    ).rejects.toThrow(
      /no Halo client for this alert \(tenant id "x", tenant name "Nobody Ltd", resource "ghost"\)/,
    )
  })
})

describe('routeTenant: the contact', () => {
  const contact = policy({ clients: { acme: 12 }, contact: { email: '{% alert.labels.owner %}' } })
  const acme = { tenant: { id: 'acme' } }

  it('sets the one user of the routed client with that e-mail, and their site', async () => {
    const dir = directory()

    const routed = await routeTenant(ticket, acme, contact, dir, {
      email: 'Priya.Shah@ACME-dental.example',
    })

    expect(routed.ticket).toEqual({ ...ticket, client_id: 12, site_id: 21, user_id: 101 })
    expect(routed.routing).toEqual({
      clientId: 12,
      via: 'tenant map (acme)',
      siteId: 21,
      contact: { userId: 101, via: 'Halo user by e-mail "Priya.Shah@ACME-dental.example"' },
    })
    expect(dir.asked).toEqual(['contact 12 email Priya.Shah@ACME-dental.example'])
  })

  it('keeps the site the asset gave when the user is at another site of the client', async () => {
    const routed = await routeTenant(
      ticket,
      { ...acme, resource: 'acme-dc01' },
      { ...contact, asset: 'hostname' },
      directory(),
      { email: 'tom.okafor@acme-dental.example' },
    )

    expect(routed.ticket).toMatchObject({ client_id: 12, site_id: 21, user_id: 102 })
  })

  it('never sets a user of another client than the routed one', async () => {
    const routed = await routeTenant(ticket, acme, contact, directory(), {
      email: 'lena.fischer@brightwater.example',
    })

    expect(routed.ticket).toEqual({ ...ticket, client_id: 12 })
    expect(routed.routing.contact).toEqual({
      reason:
        'no Halo user with e-mail "lena.fischer@brightwater.example" in client 12 (only user 103 of client 13): not set',
    })
  })

  it('leaves the user unset when a name matches two people, saying so', async () => {
    const routed = await routeTenant(ticket, acme, contact, directory(), { name: 'tom okafor' })

    expect(routed.ticket).toEqual({ ...ticket, client_id: 12 })
    expect(routed.routing.contact).toEqual({
      reason: '2 Halo users named "tom okafor" in client 12 (ids 102, 107): not set',
    })
  })

  it('tries the name when the e-mail address matched nobody, and only then', async () => {
    const dir = directory()

    const routed = await routeTenant(ticket, acme, contact, dir, {
      email: 'priya@home.example',
      name: 'Priya Shah',
    })
    const byEmail = await routeTenant(ticket, acme, contact, dir, {
      email: 'priya.shah@acme-dental.example',
      name: 'Tom Okafor',
    })

    expect(routed.routing.contact).toEqual({ userId: 101, via: 'Halo user by name "Priya Shah"' })
    expect(byEmail.routing.contact).toMatchObject({ userId: 101 })
    expect(dir.asked).toEqual([
      'contact 12 email priya@home.example',
      'contact 12 name Priya Shah',
      'contact 12 email priya.shah@acme-dental.example',
    ])
  })

  it('records every lookup tried when none found the contact', async () => {
    const routed = await routeTenant(ticket, acme, contact, directory(), {
      email: 'nobody@acme-dental.example',
      name: 'No Body',
    })

    expect(routed.routing.contact).toEqual({
      reason:
        'no Halo user with e-mail "nobody@acme-dental.example" in client 12: not set; no Halo user named "No Body" in client 12: not set',
    })
  })

  it('keeps a user_id the ticket templates set, and looks nothing up', async () => {
    const dir = directory()

    const routed = await routeTenant({ ...ticket, user_id: 55, site_id: 22 }, acme, contact, dir, {
      email: 'priya.shah@acme-dental.example',
    })

    expect(routed.ticket).toMatchObject({ user_id: 55, site_id: 22 })
    expect(routed.routing.contact).toEqual({ userId: 55, via: 'ticket template' })
    expect(dir.asked).toEqual([])
  })

  it('says why when the templates gave nothing to look up', async () => {
    const dir = directory()

    const blank = await routeTenant(ticket, acme, contact, dir, {})
    const failed = await routeTenant(ticket, acme, contact, dir, {
      problem: 'template x failed: not set',
    })

    expect(blank.routing.contact).toEqual({
      reason: 'the tenant.contact templates gave no e-mail address or name: not set',
    })
    expect(failed.routing.contact).toEqual({ reason: 'template x failed: not set' })
    expect(dir.asked).toEqual([])
  })

  it('looks no contact up on a route without tenant.contact', async () => {
    const dir = directory()

    const routed = await routeTenant(ticket, acme, policy({ clients: { acme: 12 } }), dir, {
      email: 'priya.shah@acme-dental.example',
    })

    expect(routed.routing).toEqual({ clientId: 12, via: 'tenant map (acme)' })
    expect(dir.asked).toEqual([])
  })

  it('records a lookup Halo refuses for good, and throws one worth retrying', async () => {
    const refusing = (status: number): HaloDirectory => ({
      ...directory(),
      contacts: async () => {
        throw new HaloApiError(status, `GET /Users -> ${status}`, {
          kind: 'http',
          endpoint: 'GET /Users',
        })
      },
    })
    const email = { email: 'priya.shah@acme-dental.example' }

    const forbidden = await routeTenant(ticket, acme, contact, refusing(403), email)

    expect(forbidden.ticket).toEqual({ ...ticket, client_id: 12 })
    expect(forbidden.routing.contact).toEqual({
      reason: 'the Halo user lookup failed (HTTP 403): not set',
    })
    await expect(routeTenant(ticket, acme, contact, refusing(503), email)).rejects.toMatchObject({
      retryable: true,
    })
  })
})

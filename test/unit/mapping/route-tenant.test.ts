import { describe, expect, it } from 'vitest'
import { UnroutableError } from '../../../shared/errors.js'
import type { HaloDirectory } from '../../../shared/halo/halo-directory.js'
import { routeTenant } from '../../../shared/mapping/route-tenant.js'
import { TenantPolicySchema } from '../../../shared/mapping/tenant-policy.js'

/** A directory over a fixed table, as Halo would answer: Acme is client 12, its DC is asset 501. */
const directory = (): HaloDirectory & { asked: string[] } => {
  const asked: string[] = []
  return {
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

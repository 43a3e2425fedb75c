import { describe, expect, it } from 'vitest'
import { compileConfig } from '../../../shared/config/compile-config.js'
import { ConfigError } from '../../../shared/errors.js'
import { finishAlert } from '../../../shared/ingest/finish-alert.js'

const routeWith = (
  group: Record<string, unknown> | undefined,
  alert: object = {},
  extra: object = {},
) => {
  const { routes } = compileConfig({
    routes: {
      r: {
        source: 'generic',
        auth: { type: 'bearer' },
        alert: { key: '{% payload.id %}', title: '{% payload.t %}', ...alert },
        ...(group ? { group } : {}),
        ...extra,
      },
    },
  })
  const route = routes.get('r')
  if (!route) throw new Error('route missing')
  return route
}
const RECEIVED = '2026-11-28T07:00:00.000Z'
const finish = (
  payload: object,
  group: Record<string, unknown> | undefined,
  alert: object = {},
  extra: object = {},
) => finishAlert({ alert: {}, raw: payload }, routeWith(group, alert, extra), RECEIVED)

describe('the group key at ingest (a route with a group policy)', () => {
  it('is the tenant by default, synchronously', () => {
    const alert = finish(
      { id: 'web-1', t: 'down', c: 'Acme' },
      {},
      { tenantName: '{% payload.c %}' },
    )
    expect(alert).not.toBeInstanceOf(Promise)
    expect(alert).toMatchObject({ key: 'web-1', group: 'Acme' })
  })

  it('groups an alert that names no tenant by the route when all such alerts go to one client', () => {
    // Only tenant.fallbackClientId (or nothing) can route it, or the ticket names the client.
    expect(finish({ id: 'web-1', t: 'down' }, {})).toMatchObject({ group: 'r' })
    expect(
      finish({ id: 'web-1', t: 'down' }, {}, {}, { tenant: { fallbackClientId: 12 } }),
    ).toMatchObject({ group: 'r' })
    expect(
      finish(
        { id: 'web-1', t: 'down' },
        {},
        {},
        { tenant: { asset: 'hostname' }, ticket: { client_id: 12 } },
      ),
    ).toMatchObject({ group: 'r' })
  })

  it('leaves it ungrouped when its client may be found per alert (by asset, by a template)', () => {
    const byAsset = { tenant: { asset: 'hostname', fallbackClientId: 12 } }
    expect(finish({ id: 'web-1', t: 'down' }, {}, {}, byAsset)).not.toHaveProperty('group')
    const byTemplate = { ticket: { client_id: '{% $number(payload.client) %}' } }
    expect(finish({ id: 'web-1', t: 'down' }, {}, {}, byTemplate)).not.toHaveProperty('group')
  })

  it('groups a whole route with a constant key', async () => {
    expect(await finish({ id: 'web-1', t: 'down' }, { key: '{% route %}' })).toMatchObject({
      group: 'r',
    })
  })

  it('is the rendered template, which may read the finished alert and the payload', async () => {
    expect(
      await finish({ id: 'web-1', t: 'down', site: 'HQ' }, { key: '{% payload.site %}' }),
    ).toMatchObject({ group: 'HQ' })
    expect(
      await finish(
        { id: 'web-1', t: 'down', site: 'HQ' },
        { key: '{% $uppercase(alert.key) & "@" & payload.site %}' },
      ),
    ).toMatchObject({ group: 'WEB-1@HQ' })
  })

  it.each([
    ['absent', {}],
    ['empty', { site: '' }],
    ['blank', { site: '  ' }],
  ])('leaves the alert ungrouped when the key is %s (its own ticket)', async (_name, fields) => {
    const alert = await finish({ id: 'web-1', t: 'down', ...fields }, { key: '{% payload.site %}' })
    expect(alert).not.toHaveProperty('group')
  })

  it('hashes a long key', async () => {
    const alert = await finish(
      { id: 'web-1', t: 'down', site: 'x'.repeat(300) },
      { key: '{% payload.site %}' },
    )
    expect(alert.group).toMatch(/^sha256:[0-9a-f]{64}$/)
  })

  it('sets no group on a route without the policy', async () => {
    expect(await finish({ id: 'web-1', t: 'down', site: 'HQ' }, undefined)).not.toHaveProperty(
      'group',
    )
  })

  it('leaves the alert ungrouped, never refused, when the template fails to evaluate', async () => {
    const alert = await finish({ id: 'web-1', t: 'down' }, { key: '{% $error("no site") %}' })
    expect(alert).toMatchObject({ key: 'web-1' })
    expect(alert).not.toHaveProperty('group')
    expect(
      await finish({ id: 'web-1', t: 'down', site: 5 }, { key: '{% $lowercase(payload.site) %}' }),
    ).not.toHaveProperty('group')
  })
})

describe('the group policy in the config', () => {
  it('reports a group key template that does not compile, with its path', () => {
    expect(() => routeWith({ key: '{% payload.( %}' })).toThrow(ConfigError)
    try {
      routeWith({ key: '{% payload.( %}' })
    } catch (error) {
      expect((error as ConfigError).issues.join('\n')).toMatch(/^routes\.r\.group\.key: /m)
    }
  })

  it('refuses grouping together with resolveAtSource', () => {
    const config = {
      routes: {
        r: {
          source: 'generic',
          auth: { type: 'bearer' },
          alert: { key: '{% payload.id %}', title: '{% payload.t %}' },
          group: {},
          resolveAtSource: { kind: 'webhook', url: 'https://example.test/hook' },
        },
      },
    }
    expect(() => compileConfig(config)).toThrow(ConfigError)
    expect(() => compileConfig(config)).toThrow(
      expect.objectContaining({
        issues: ['routes.r.group: cannot be combined with resolveAtSource'],
      }),
    )
  })

  it.each([
    ['noise.flapping', { noise: { flapping: {} } }],
    ['lifecycle.resolveAfterQuietMinutes', { lifecycle: { resolveAfterQuietMinutes: 5 } }],
    [
      "businessHours.outOfHours: 'defer'",
      {
        businessHours: {
          weekly: [{ days: ['mon'], from: '08:00', to: '18:00' }],
          outOfHours: 'defer',
        },
      },
    ],
  ])('refuses grouping together with %s (decided per alert)', (policy, fields) => {
    const config = {
      routes: {
        r: {
          source: 'generic',
          auth: { type: 'bearer' },
          alert: { key: '{% payload.id %}', title: '{% payload.t %}' },
          group: {},
          ...fields,
        },
      },
    }
    expect(() => compileConfig(config)).toThrow(
      expect.objectContaining({ issues: [`routes.r.group: cannot be combined with ${policy}`] }),
    )
  })

  it('refuses grouping on a heartbeat route (its alerts are pings, each its own key)', () => {
    const config = {
      routes: {
        r: {
          source: 'generic',
          auth: { type: 'bearer' },
          alert: { key: '{% payload.id %}', title: '{% payload.t %}' },
          group: {},
          heartbeat: { expectEveryMinutes: 60 },
        },
      },
    }
    expect(() => compileConfig(config)).toThrow(
      expect.objectContaining({ issues: ['routes.r.group: cannot be combined with heartbeat'] }),
    )
    // The heartbeat source needs its policy, so grouping is refused there the same way.
    expect(() =>
      compileConfig({
        routes: {
          r: {
            source: 'heartbeat',
            auth: { type: 'bearer' },
            heartbeat: { expectEveryMinutes: 60 },
            group: {},
          },
        },
      }),
    ).toThrow(
      expect.objectContaining({ issues: ['routes.r.group: cannot be combined with heartbeat'] }),
    )
  })

  it('fills its defaults', () => {
    expect(routeWith({}).group).toEqual({ minAlerts: 1, windowMinutes: 15, noteEveryMinutes: 5 })
  })
})

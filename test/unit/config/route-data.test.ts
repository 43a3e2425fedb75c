import { describe, expect, it } from 'vitest'
import config from '../../../halo-hooks.config.js'
import { compileConfig } from '../../../shared/config/compile-config.js'
import {
  routeDataOf,
  routesFromData,
  templateOnFirstUse,
} from '../../../shared/config/route-data.js'
import { ConfigError, TemplateError } from '../../../shared/errors.js'
import { sources } from '../../../shared/sources/registry.js'

const compiled = compileConfig(config)
/** Through JSON, as the data travels into a bundle. */
const bundled = (fn: 'ingest' | 'deliver') =>
  JSON.parse(JSON.stringify(routeDataOf(compiled, fn))) as ReturnType<typeof routeDataOf>

const context = {
  alert: { title: 'Disk full', description: 'on web-1', severity: 'critical', resource: 'web-1' },
  payload: { id: 'disk-1', status: 'firing', severity: 'high', summary: 'Disk full', host: 'w' },
  maps: {},
}

describe('routeDataOf and routesFromData (the config a Lambda bundle carries)', () => {
  it('gives ingest the same routes as compiling the config file, templates included', async () => {
    const routes = routesFromData(bundled('ingest'), sources)

    expect([...routes.keys()]).toEqual([...compiled.routes.keys()])
    for (const [name, expected] of compiled.routes) {
      const route = routes.get(name)
      const { alert, ticket, ...facts } = expected
      expect(route).toMatchObject(facts)
      expect(route?.source).toBe(expected.source)
      const maps = { ...context, maps: expected.maps }
      expect(await route?.ticket.render(maps)).toEqual(await ticket.render(maps))
      expect(await route?.alert?.render(maps)).toEqual(await alert?.render(maps))
    }
  })

  it('gives deliver what delivering needs and no sender, options or auth', async () => {
    const data = bundled('deliver')
    const routes = routesFromData(data)

    for (const [name, expected] of compiled.routes) {
      // A route Halo's own webhooks use also names the agent we act as, to know our own changes.
      const own = expected.haloAgentId === undefined ? [] : ['haloAgentId']
      expect(Object.keys(data[name] ?? {}).sort()).toEqual([
        ...own,
        'lifecycle',
        'maps',
        'noise',
        'tenant',
        'ticket',
      ])
      const route = routes.get(name)
      expect(route).toMatchObject({
        name,
        maps: expected.maps,
        lifecycle: expected.lifecycle,
        noise: expected.noise,
        tenant: expected.tenant,
        haloAgentId: expected.haloAgentId,
      })
      expect(route).not.toHaveProperty('source')
      const maps = { ...context, maps: expected.maps }
      expect(await route?.ticket.render(maps)).toEqual(await expected.ticket.render(maps))
    }
  })

  it('carries a group policy to deliver and its key template to ingest', async () => {
    const grouped = compileConfig({
      routes: {
        r: {
          source: 'generic',
          auth: { type: 'bearer' },
          alert: { key: '{% payload.id %}', title: '{% payload.t %}' },
          group: { key: '{% payload.site %}', minAlerts: 2 },
        },
      },
    })
    const through = (fn: 'ingest' | 'deliver') =>
      JSON.parse(JSON.stringify(routeDataOf(grouped, fn))) as ReturnType<typeof routeDataOf>
    const policy = grouped.routes.get('r')?.group

    expect(routesFromData(through('deliver')).get('r')?.group).toEqual(policy)
    const ingest = routesFromData(through('ingest'), sources).get('r')
    expect(ingest?.group).toEqual(policy)
    expect(await ingest?.groupKey?.render({ payload: { site: 'HQ' } })).toEqual({ key: 'HQ' })
  })

  it('carries the contact templates to deliver, compiled on first use', async () => {
    const withContact = compileConfig({
      routes: {
        r: {
          source: 'generic',
          auth: { type: 'bearer' },
          alert: { key: '{% payload.id %}', title: '{% payload.summary %}' },
          tenant: { fallbackClientId: 1, contact: { email: '{% $lowercase(payload.owner) %}' } },
        },
      },
    })
    const data = JSON.parse(JSON.stringify(routeDataOf(withContact, 'deliver')))

    const route = routesFromData(data).get('r')

    expect(await route?.contact?.render({ payload: { owner: 'A@B.example' } })).toEqual({
      email: 'a@b.example',
    })
    expect(routesFromData(bundled('deliver')).get('prometheus')?.contact).toBeUndefined()
  })

  it('refuses a route whose sender the bundle does not carry', () => {
    const { generic } = sources
    expect(() => routesFromData(bundled('ingest'), generic ? { generic } : {})).toThrow(
      /routes\.prometheus: the bundle has no "alertmanager" sender/,
    )
  })
})

describe('templateOnFirstUse', () => {
  it('compiles on the first render, keeping the config path in what it reports', async () => {
    const broken = templateOnFirstUse({ summary: 'x {% %}' }, 'routes.r.ticket')

    // Nothing is compiled (or reported) until the template is used.
    await expect(broken.render({})).rejects.toThrow(ConfigError)
    await expect(broken.render({})).rejects.toMatchObject({
      issues: [expect.stringMatching(/^routes\.r\.ticket\.summary: empty/)],
    })
  })

  it('compiles JSONata when an expression first runs, failing with its config path', async () => {
    const broken = templateOnFirstUse({ summary: '{% $uppercase( %}' }, 'routes.r.ticket')

    await expect(broken.render({})).rejects.toSatisfy(
      (error) =>
        error instanceof TemplateError && error.message.includes('routes.r.ticket.summary'),
    )
  })

  it('renders like the compiled template, again and again', async () => {
    const template = templateOnFirstUse(
      { summary: '[{% $uppercase(alert.severity) %}] {% alert.title %}', n: 3 },
      'routes.r.ticket',
    )

    for (const _ of [1, 2]) {
      expect(await template.render(context)).toEqual({ summary: '[CRITICAL] Disk full', n: 3 })
    }
  })
})

import { describe, expect, it } from 'vitest'
import { compileConfig } from '../../../shared/config/compile-config.js'
import { routeDataOf, routesFromData } from '../../../shared/config/route-data.js'
import { ConfigError } from '../../../shared/errors.js'
import { routeNeedsTimers } from '../../../shared/lifecycle/due.js'

const route = (fields: object) => ({
  routes: {
    r: {
      source: 'generic',
      auth: { type: 'bearer' },
      alert: { key: '{% payload.id %}', title: '{% payload.t %}' },
      ...fields,
    },
  },
})

describe('flapping, quiet resolve and business hours in the config', () => {
  it('reports every mistake by its key path', () => {
    let issues: readonly string[] = []
    try {
      compileConfig(
        route({
          lifecycle: { resolve: 'note', resolveAfterQuietMinutes: 10 },
          noise: { flapping: { changes: 1 } },
          businessHours: {
            timezone: 'Mars/Olympus',
            weekly: [{ from: '09:00', to: '09:00' }],
            outOfHours: 'later',
          },
        }),
      )
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error
      issues = error.issues
    }
    expect(issues).toEqual([
      'routes.r.lifecycle.resolveAfterQuietMinutes: resolveAfterQuietMinutes delays a close: it needs resolve: close',
      'routes.r.noise.flapping.changes: Too small: expected number to be >=2',
      'routes.r.businessHours.timezone: must be an IANA time zone such as Europe/London',
      'routes.r.businessHours.weekly.0: from and to are the same: the span would be empty',
      'routes.r.businessHours.outOfHours: Invalid option: expected one of "create"|"defer"',
    ])
  })

  it('is off unless configured, with the defaults filled in when it is', () => {
    const off = compileConfig(route({})).routes.get('r')
    expect(off?.noise.flapping).toBeUndefined()
    expect(off?.lifecycle.resolveAfterQuietMinutes).toBeUndefined()
    expect(off?.businessHours).toBeUndefined()

    const on = compileConfig(
      route({
        noise: { flapping: {} },
        businessHours: { weekly: [{ from: '08:00', to: '18:00' }], outOfHours: 'defer' },
      }),
    ).routes.get('r')
    expect(on?.noise.flapping).toEqual({ changes: 4, withinMinutes: 30, quietMinutes: 30 })
    expect(on?.businessHours).toEqual({
      timezone: 'UTC',
      weekly: [
        { days: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'], from: '08:00', to: '18:00' },
      ],
      outOfHours: 'defer',
      deferSeverities: ['high', 'medium', 'low', 'info'],
    })
  })

  it("travels in the deliver function's bundle", () => {
    const compiled = compileConfig(
      route({
        noise: { flapping: {} },
        lifecycle: { resolveAfterQuietMinutes: 5 },
        businessHours: { weekly: [{ from: '08:00', to: '18:00' }], outOfHours: 'defer' },
      }),
    )
    const bundled = JSON.parse(JSON.stringify(routeDataOf(compiled, 'deliver')))
    const delivered = routesFromData(bundled).get('r')
    const { noise, lifecycle, businessHours } = compiled.routes.get('r') ?? {}
    expect(delivered).toMatchObject({ noise, lifecycle, businessHours })
  })

  it.each([
    ['no policy', {}, false],
    [
      'business hours that only inform templates',
      { businessHours: { weekly: [{ from: '08:00', to: '18:00' }] } },
      false,
    ],
    [
      'outOfHours: defer',
      { businessHours: { weekly: [{ from: '08:00', to: '18:00' }], outOfHours: 'defer' } },
      true,
    ],
    ['noise.flapping', { noise: { flapping: {} } }, true],
    ['resolveAfterQuietMinutes', { lifecycle: { resolveAfterQuietMinutes: 5 } }, true],
  ])('needs the due sweep (timers) with %s: %s', (_, fields, expected) => {
    const compiled = compileConfig(route(fields)).routes.get('r')
    if (!compiled) throw new Error('no route')
    expect(routeNeedsTimers(compiled)).toBe(expected)
  })
})

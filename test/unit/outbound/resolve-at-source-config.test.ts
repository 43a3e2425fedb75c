import { describe, expect, it } from 'vitest'
import { compileConfig } from '../../../shared/config/compile-config.js'
import { ConfigError } from '../../../shared/errors.js'
import { credentialsFor } from '../../../shared/outbound/resolve-at-source-config.js'

const routeWith = (resolveAtSource: unknown) => ({
  routes: {
    ops: {
      source: 'generic',
      auth: { type: 'bearer' },
      alert: { key: '{% payload.id %}', title: '{% payload.title %}' },
      resolveAtSource,
    },
  },
})

const issuesOf = (input: unknown): string[] => {
  try {
    compileConfig(input)
  } catch (error) {
    if (error instanceof ConfigError) return [...error.issues]
    throw error
  }
  return []
}

describe('resolveAtSource in a route', () => {
  it('is off unless configured', () => {
    const { routes } = compileConfig(routeWith(undefined))
    expect(routes.get('ops')?.resolveAtSource).toBeUndefined()
  })

  it('fills the defaults of each kind', () => {
    const compiled = (target: unknown) =>
      compileConfig(routeWith(target)).routes.get('ops')?.resolveAtSource
    expect(compiled({ kind: 'pagerduty', from: 'oncall@example.com' })).toEqual({
      kind: 'pagerduty',
      from: 'oncall@example.com',
      baseUrl: 'https://api.pagerduty.com',
    })
    expect(compiled({ kind: 'alertmanager', url: 'http://am:9093' })).toEqual({
      kind: 'alertmanager',
      url: 'http://am:9093',
      silenceMinutes: 1440,
      createdBy: 'halo-hooks',
    })
  })

  it.each([
    [
      { kind: 'pagerduty', from: 'oncall@example.com', baseURL: 'https://x.example' },
      'routes.ops.resolveAtSource.baseURL: unknown key (did you mean "baseUrl"?)',
    ],
    [
      { kind: 'alertmanager', url: 'http://am:9093', silenceMinute: 60 },
      'routes.ops.resolveAtSource.silenceMinute: unknown key (did you mean "silenceMinutes"?)',
    ],
    [{ kind: 'pagerduty', from: 'not-an-email' }, 'routes.ops.resolveAtSource.from:'],
    [{ kind: 'datto-rmm' }, 'routes.ops.resolveAtSource: name either platform or apiUrl'],
    [{ kind: 'webhook', url: 'ftp://x.example' }, 'routes.ops.resolveAtSource.url:'],
    [{ kind: 'servicenow' }, 'routes.ops.resolveAtSource.kind:'],
  ])('rejects %o', (target, issue) => {
    expect(issuesOf(routeWith(target)).join('\n')).toContain(issue)
  })
})

describe('credentialsFor', () => {
  it('takes exactly the keys its kind needs', () => {
    expect(credentialsFor('datto-rmm', 'ops', { apiKey: 'k', apiSecret: 's' })).toEqual({
      apiKey: 'k',
      apiSecret: 's',
    })
    expect(credentialsFor('alertmanager', 'ops', undefined)).toBeUndefined()
  })

  it('names what is missing in the route secret, never a value', () => {
    const attempt = () => credentialsFor('datto-rmm', 'ops', { apiKey: 'the-key' })
    expect(attempt).toThrow(ConfigError)
    expect(attempt).toThrow('resolveAtSource.ops.apiSecret')
    expect(attempt).not.toThrow('the-key')
  })
})

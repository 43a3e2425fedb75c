import { describe, expect, it } from 'vitest'
import { checkSecret, secretTemplate } from '../../../local/secrets.js'
import { compileConfig } from '../../../shared/config/compile-config.js'

const { routes } = compileConfig({
  routes: {
    pager: {
      source: 'pagerduty',
      resolveAtSource: { kind: 'pagerduty', from: 'oncall@example.com' },
    },
    silence: {
      source: 'alertmanager',
      auth: { type: 'bearer' },
      resolveAtSource: { kind: 'alertmanager', url: 'http://am:9093' },
    },
  },
})

const HALO = { clientId: 'c', clientSecret: 's' }

describe('npm run secrets with resolveAtSource routes', () => {
  it("shows where each route's credentials go", () => {
    const template = JSON.parse(secretTemplate(routes.values()))
    expect(template.resolveAtSource).toEqual({
      pager: { apiToken: '<PagerDuty REST API key>' },
    })
    // Signing secrets and outbound credentials live apart: AWS keeps them in two secrets.
    for (const entry of Object.values(template.routes)) {
      expect(Object.keys(entry as object)).toEqual(['current'])
    }
  })

  it('names missing and misspelt credentials, and never a value', () => {
    const candidate = JSON.stringify({
      halo: HALO,
      resolveAtSource: { pager: { apiTokn: 'pd-value' } },
      routes: { pager: { current: 'a' }, silence: { current: 'b' } },
    })
    const { ok, lines } = checkSecret(candidate, 'candidate.json', routes)
    expect(ok).toBe(false)
    expect(lines.join('\n')).toContain(
      'resolveAtSource.pager.apiTokn: unknown key (did you mean "apiToken"?) (resolveAtSource)',
    )
    expect(lines.join('\n')).not.toContain('pd-value')
  })

  it('accepts a secret with what each kind needs', () => {
    const candidate = JSON.stringify({
      halo: HALO,
      resolveAtSource: { pager: { apiToken: 'pd' } },
      routes: { pager: { current: 'a' }, silence: { current: 'b' } },
    })
    expect(checkSecret(candidate, 'candidate.json', routes).ok).toBe(true)
  })
})

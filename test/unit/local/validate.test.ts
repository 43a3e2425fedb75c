import { describe, expect, it } from 'vitest'
import { describeRoutes } from '../../../local/validate.js'
import { compileConfig } from '../../../shared/config/compile-config.js'

const { routes } = compileConfig({
  routes: {
    alarms: {
      source: 'aws-sns',
      options: { topicArns: ['arn:aws:sns:eu-west-1:123456789012:halo-alarms'] },
    },
    prometheus: { source: 'alertmanager', auth: { type: 'bearer' } },
    github: { source: 'github' },
  },
})

describe('describeRoutes (npm run validate)', () => {
  it('warns about a route without a secret only when its requests need one', () => {
    const lines = describeRoutes(routes.values(), { routes: {} }, 'secrets.json')

    expect(lines).toEqual([
      '  alarms: aws-sns',
      '  prometheus: alertmanager, auth bearer  WARNING: no secret for this route in secrets.json',
      '  github: github  WARNING: no secret for this route in secrets.json',
    ])
  })

  it('says nothing more about a route whose secret is set', () => {
    const lines = describeRoutes(
      routes.values(),
      { routes: { prometheus: { current: 'token' }, github: { current: 'hook-secret' } } },
      'secrets.json',
    )

    expect(lines).toEqual([
      '  alarms: aws-sns',
      '  prometheus: alertmanager, auth bearer',
      '  github: github',
    ])
  })
})

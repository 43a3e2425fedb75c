import { describe, expect, it } from 'vitest'
import { resolveDeploySettings } from '../../infra/settings.js'
import { ConfigError } from '../../shared/errors.js'

const noContext = () => undefined

describe('resolveDeploySettings', () => {
  it('fills documented defaults when nothing is set', () => {
    expect(resolveDeploySettings(undefined, noContext)).toEqual({
      stackName: 'HaloHooks',
      stageName: '$default',
      budget: { limit: 250, windowSeconds: 300 },
      logRetentionDays: 30,
      throttle: { rateLimit: 50, burstLimit: 100 },
      maxConcurrency: 2,
      maxReceiveCount: 1_000,
      workerTimeoutSeconds: 60,
      dashboard: false,
      deliveryHistory: 'all',
      endpoint: 'http-api',
      ingestConcurrency: 10,
      sourceMaps: false,
    })
  })

  it('lets CDK context (strings from -c) override the config file, field by field', () => {
    const context: Record<string, string> = { haloUrl: 'https://b.halopsa.com', budgetLimit: '100' }
    const settings = resolveDeploySettings(
      { haloUrl: 'https://a.halopsa.com', haloTenant: 'a' },
      (key) => context[key],
      { windowSeconds: 60 },
    )

    expect(settings).toMatchObject({
      haloUrl: 'https://b.halopsa.com',
      haloTenant: 'a',
      budget: { limit: 100, windowSeconds: 60 },
    })
  })

  it('throws one ConfigError listing every invalid setting', () => {
    const context: Record<string, string> = { alarmEmail: 'nope', maxConcurrency: '1' }
    const attempt = () => resolveDeploySettings({ stageName: 'has space' }, (key) => context[key])

    expect(attempt).toThrow(ConfigError)
    expect(attempt).toThrow(
      /deploy\.stageName[\s\S]*deploy\.alarmEmail[\s\S]*deploy\.maxConcurrency/,
    )
  })
})

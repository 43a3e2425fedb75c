import { type Deploy, type DeployInput, DeploySchema } from '../shared/config/deploy-schema.js'
import {
  type HaloBudget,
  type HaloBudgetInput,
  resolveHaloBudget,
} from '../shared/config/halo-budget.js'
import { parseSettings } from '../shared/config/parse-settings.js'

/** CDK context keys (`-c key=value`) that override `deploy` in the config file. */
export const CONTEXT_KEYS = [
  'stackName',
  'stageName',
  'haloUrl',
  'haloTenant',
  'budgetLimit',
  'budgetWindowSeconds',
  'alarmEmail',
  'logRetentionDays',
  'secretName',
  'haloSecretName',
  'maxConcurrency',
  'maxReceiveCount',
  'workerTimeoutSeconds',
  'dashboard',
  'deliveryHistory',
  'endpoint',
  'ingestConcurrency',
  'sourceMaps',
] as const

type ContextKey = (typeof CONTEXT_KEYS)[number]

/**
 * The deployment's settings: the config file's `deploy` section and Halo `budget`, overridden by
 * CDK context, then validated. Throws one `ConfigError` listing every problem.
 */
export type DeploySettings = Deploy & { budget: HaloBudget }

export const resolveDeploySettings = (
  fromConfig: DeployInput | undefined,
  context: (key: ContextKey) => unknown,
  budget?: HaloBudgetInput,
): DeploySettings => {
  const given = (key: ContextKey) => {
    const value = context(key)
    return value === undefined || value === '' ? undefined : value
  }
  const input: Record<string, unknown> = { ...fromConfig }
  for (const key of [
    'stackName',
    'stageName',
    'haloUrl',
    'haloTenant',
    'alarmEmail',
    'logRetentionDays',
    'secretName',
    'haloSecretName',
    'maxConcurrency',
    'maxReceiveCount',
    'workerTimeoutSeconds',
    'dashboard',
    'deliveryHistory',
    'endpoint',
    'ingestConcurrency',
    'sourceMaps',
  ] as const) {
    if (given(key) !== undefined) input[key] = given(key)
  }
  const deploy = parseSettings(
    DeploySchema,
    input,
    'deploy settings (config file `deploy` or -c context)',
    ['deploy'],
  )
  const limits = { limit: given('budgetLimit'), windowSeconds: given('budgetWindowSeconds') }
  return { ...deploy, budget: resolveHaloBudget(budget, limits, 'config file or -c context') }
}

import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { App, Validations } from 'aws-cdk-lib'
import { AwsSolutionsChecks } from 'cdk-nag'
import config from '../halo-hooks.config.js'
import { compileConfig } from '../shared/config/compile-config.js'
import { routeDataOf } from '../shared/config/route-data.js'
import { routeNeedsTimers } from '../shared/lifecycle/due.js'
import { HaloHooksStack } from './halo-hooks-stack.js'
import { resolveDeploySettings } from './settings.js'

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..')

/**
 * Builds the CDK app (from `input`, the config file's object unless a test gives another): the config file's routes and deploy settings (CDK context overrides them),
 * one stack, and cdk-nag's AwsSolutions checks, whose unacknowledged findings fail the synth.
 */
export const createApp = (
  app = new App(),
  input: unknown = config,
): { app: App; stack: HaloHooksStack } => {
  // Checked here, at synth, so a bad config never deploys: the bundles carry this compiled form.
  const compiled = compileConfig(input, 'halo-hooks.config.ts')
  const { config: parsed, routes } = compiled
  const settings = resolveDeploySettings(
    parsed.deploy,
    (key) => app.node.tryGetContext(key),
    parsed.budget,
  )
  const stack = new HaloHooksStack(app, settings.stackName, {
    settings,
    routes: [...routes.keys()],
    routeData: {
      ingest: routeDataOf(compiled, 'ingest'),
      deliver: routeDataOf(compiled, 'deliver'),
    },
    projectRoot,
    reconcile: parsed.reconcile,
    timers: [...routes.values()].some(routeNeedsTimers),
    hooksByGet: [...routes.values()].some((route) => route.source.acceptsGet === true),
    description: 'halo-hooks: webhooks in, HaloPSA tickets out',
  })
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app))
  return { app, stack }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  createApp().app.synth()
}

import { App } from 'aws-cdk-lib'
import { Template } from 'aws-cdk-lib/assertions'
import { describe, expect, it } from 'vitest'
import { createApp } from '../../infra/app.js'

// A route with a heartbeat policy is a route whose problems keep deadlines: the stack built from
// a config holding one deploys the due sweep, and routes GET to ingest for pings from a URL.

const NO_BUNDLING = { 'aws:cdk:bundling-stacks': [] }

const HEARTBEATS = {
  routes: {
    beats: {
      source: 'heartbeat',
      auth: { type: 'query', param: 'token' },
      heartbeat: { expectEveryMinutes: 60 },
    },
  },
}

const ALERTS = {
  routes: {
    alerts: { source: 'alertmanager', auth: { type: 'bearer' } },
  },
}

const build = (config: unknown) => {
  const { stack } = createApp(new App({ context: NO_BUNDLING }), config)
  return { stack, template: Template.fromStack(stack) }
}

const routeKeys = (template: Template) =>
  Object.values(template.findResources('AWS::ApiGatewayV2::Route'))
    .map((route) => (route.Properties as { RouteKey: string }).RouteKey)
    .sort()

describe('the stack for a config with a heartbeat route', () => {
  const { stack, template } = build(HEARTBEATS)

  it('deploys the due sweep, invoked every minute', () => {
    expect(stack.due).toBeDefined()
    template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(1 minute)' })
  })

  it('routes GET /hooks/{route} to ingest beside POST', () => {
    expect(routeKeys(template)).toEqual([
      'GET /hooks/{route}',
      'POST /dry-run/{route}',
      'POST /hooks/{route}',
    ])
  })

  it('has neither for a config without one', () => {
    const plain = build(ALERTS)
    expect(plain.stack.due).toBeUndefined()
    expect(routeKeys(plain.template)).toEqual(['POST /dry-run/{route}', 'POST /hooks/{route}'])
  })
})

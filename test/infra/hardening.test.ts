import { App } from 'aws-cdk-lib'
import { Template } from 'aws-cdk-lib/assertions'
import { beforeAll, describe, expect, it } from 'vitest'
import { createApp } from '../../infra/app.js'
import { SECRET_LOGICAL_ID_PREFIX } from '../../local/aws-stack-secret.js'
import { QUEUE_MAX_MESSAGE_BYTES } from '../../shared/payload-limits.js'

const synth = (context: Record<string, unknown> = {}) => {
  const { stack } = createApp(new App({ context: { 'aws:cdk:bundling-stacks': [], ...context } }))
  return Template.fromStack(stack)
}

type Resource = { Type: string; Properties?: Record<string, unknown>; DeletionPolicy?: string }

describe('HaloHooksStack hardening', () => {
  let template: Template
  beforeAll(() => {
    template = synth()
  })

  it('pins both queues to the message size the envelope limit and body cap assume', () => {
    const queues = Object.values(template.findResources('AWS::SQS::Queue')) as Resource[]
    expect(queues).toHaveLength(2)
    for (const queue of queues) {
      expect(queue.Properties?.MaximumMessageSize).toBe(QUEUE_MAX_MESSAGE_BYTES)
    }
  })

  it('protects the state table from deletion, and keeps it when the stack goes', () => {
    const tables = Object.values(template.findResources('AWS::DynamoDB::GlobalTable')) as Resource[]
    expect(tables).toHaveLength(1)
    // A global table carries deletion protection per replica; this stack has the one.
    expect(tables[0]?.Properties?.Replicas).toEqual([
      expect.objectContaining({ DeletionProtectionEnabled: true }),
    ])
    expect(tables[0]).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' })
  })

  it('keeps the single secret of older stacks, unchanged in value, as the signing secret', () => {
    // CloudFormation knows a resource by its logical id: a new one would replace (delete) the
    // deployed secret, and a changed SecretString would overwrite the routes stored in it.
    const secrets = template.findResources('AWS::SecretsManager::Secret') as Record<
      string,
      Resource
    >
    expect(secrets.SecretsSecret9A9454FE?.Properties?.SecretString).toBe('{"routes":{}}')
  })

  it('names the secrets as npm run secrets and the doctor find them by their tags', () => {
    const ids = Object.keys(template.findResources('AWS::SecretsManager::Secret'))
    for (const prefix of Object.values(SECRET_LOGICAL_ID_PREFIX)) {
      expect(ids.filter((id) => id.startsWith(prefix))).toHaveLength(1)
    }
  })

  it('outputs where each secret is, for npm run secrets and the operator', () => {
    const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>
    expect(Object.keys(outputs)).toEqual(
      expect.arrayContaining(['SigningSecretId', 'HaloSecretId']),
    )
    expect(outputs.SigningSecretId?.Value).not.toEqual(outputs.HaloSecretId?.Value)
  })
})

import { ListSecretsCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager'
import { ConfigError } from '../shared/errors.js'
import type { SecretPart } from '../shared/secrets/secret-store.js'

/** Tags CloudFormation puts on every resource of a stack, the secrets included. */
const STACK_TAG = 'aws:cloudformation:stack-name'
const LOGICAL_ID_TAG = 'aws:cloudformation:logical-id'

/**
 * How each secret's logical id starts: the construct path `Secrets/Secret` (the signing secret,
 * where the single secret of older stacks was) and `Secrets/HaloSecret`, then CDK's hash
 * (`infra/constructs/integration-secrets.ts`; an infra test holds the two together).
 */
export const SECRET_LOGICAL_ID_PREFIX: Record<SecretPart, string> = {
  routes: 'SecretsSecret',
  halo: 'SecretsHaloSecret',
}

/** Which output names each secret, for messages. */
export const SECRET_OUTPUT: Record<SecretPart, string> = {
  routes: 'SigningSecretId',
  halo: 'HaloSecretId',
}

/**
 * The ARN of the secret holding `part` that a stack created, found by the tags CloudFormation
 * puts on it (as `npm run replay` finds the stack's queues by name). Throws `ConfigError` when
 * there is not exactly one, naming the option that passes it instead.
 */
export const findStackSecret = async (
  client: SecretsManagerClient,
  stack: string,
  part: SecretPart,
  option = '--secret',
) => {
  const arns: string[] = []
  let NextToken: string | undefined
  do {
    const page = await client.send(
      new ListSecretsCommand({
        Filters: [
          { Key: 'tag-key', Values: [STACK_TAG] },
          { Key: 'tag-value', Values: [stack] },
        ],
        NextToken,
      }),
    )
    for (const secret of page.SecretList ?? []) {
      const tag = (key: string) => secret.Tags?.find((candidate) => candidate.Key === key)?.Value
      // The two filters match independently: keep the secrets whose stack tag is this stack.
      const ours = tag(STACK_TAG) === stack
      const holds = tag(LOGICAL_ID_TAG)?.startsWith(SECRET_LOGICAL_ID_PREFIX[part])
      if (ours && holds && secret.ARN) arns.push(secret.ARN)
    }
    NextToken = page.NextToken
  } while (NextToken)
  const [arn] = arns
  if (arns.length !== 1 || arn === undefined) {
    const what = part === 'halo' ? 'Halo credentials secret' : 'signing secret'
    throw new ConfigError(
      `expected one ${what} of stack ${stack}, found ${arns.length}: pass ${option} <the stack's ${SECRET_OUTPUT[part]} output>` +
        (arns.length === 0
          ? ' (or --stack with the stack name you deployed; a stack deployed before the split into two secrets has no Halo secret until it is deployed again)'
          : ''),
    )
  }
  return arn
}

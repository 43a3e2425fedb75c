import { ListSecretsCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager'
import { ConfigError } from '../shared/errors.js'

/** The tag CloudFormation puts on every resource of a stack, the secret included. */
const STACK_TAG = 'aws:cloudformation:stack-name'

/**
 * The ARN of the one Secrets Manager secret a stack created, found by the stack-name tag
 * CloudFormation puts on it (as `npm run replay` finds the stack's queues by name). Throws
 * `ConfigError` when there is not exactly one, naming `--secret` as the way out.
 */
export const findStackSecret = async (client: SecretsManagerClient, stack: string) => {
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
      // The two filters match independently: keep the secrets whose stack tag is this stack.
      const ours = secret.Tags?.some((tag) => tag.Key === STACK_TAG && tag.Value === stack)
      if (ours && secret.ARN) arns.push(secret.ARN)
    }
    NextToken = page.NextToken
  } while (NextToken)
  const [arn] = arns
  if (arns.length !== 1 || arn === undefined) {
    throw new ConfigError(
      `expected one secret of stack ${stack}, found ${arns.length}: pass --secret <the stack's SecretId output>` +
        (arns.length === 0 ? ' (or --stack with the stack name you deployed)' : ''),
    )
  }
  return arn
}

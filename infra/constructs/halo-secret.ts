import { SecretValue, Validations } from 'aws-cdk-lib'
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda'
import { type ISecret, Secret } from 'aws-cdk-lib/aws-secretsmanager'
import { Construct } from 'constructs'
import { AWS_ENV } from '../../shared/aws-env.js'

export type HaloSecretProps = {
  /** Import this existing secret by name instead of creating one. */
  readonly existingSecretName?: string
  /** How long functions trust a read value, in seconds. @default 300 */
  readonly cacheSeconds?: number
}

/** The shape documented on the created secret; `npm run secrets` prints it with an example. */
export const SECRET_SHAPE_DESCRIPTION =
  'halo-hooks secrets, JSON: {"halo":{"clientId":"...","clientSecret":"..."},' +
  '"routes":{"<route>":{"current":"...","previous":"..."}}} - validate with npm run secrets'

/**
 * The one Secrets Manager secret: Halo client credentials and per-route signing secrets. Created
 * holding `{"routes":{}}` (no secret values live in the template), or an existing one imported by
 * name. The functions read it at run time, so editing it needs no redeploy.
 */
export class HaloSecret extends Construct {
  readonly secret: ISecret
  /** What the functions pass to GetSecretValue: the full ARN, or the imported secret's name. */
  readonly secretId: string
  private readonly cacheSeconds: number

  constructor(scope: Construct, id: string, props: HaloSecretProps = {}) {
    super(scope, id)
    this.secret = props.existingSecretName
      ? Secret.fromSecretNameV2(this, 'Secret', props.existingSecretName)
      : new Secret(this, 'Secret', {
          description: SECRET_SHAPE_DESCRIPTION,
          // A placeholder with no secret in it; CloudFormation never overwrites later edits.
          secretStringValue: SecretValue.unsafePlainText('{"routes":{}}'),
        })
    if (!props.existingSecretName) {
      Validations.of(this.secret).acknowledge({
        id: 'AwsSolutions::AwsSolutions-SMG4',
        reason:
          'The values are issued by third parties (HaloPSA API client credentials, each sender ' +
          'webhook signing secret) and can only be changed in those systems, so a rotation Lambda ' +
          'cannot rotate them. Rotation is manual and zero-downtime by design: each route holds ' +
          '{current, previous}, both verify during the change-over, functions re-read the secret ' +
          'within its cache time (docs/deploy.md, "Rotating a secret").',
      })
    }
    // An imported secret's ARN lacks the random suffix, which GetSecretValue may not resolve.
    this.secretId = props.existingSecretName ?? this.secret.secretArn
    this.cacheSeconds = props.cacheSeconds ?? 300
  }

  /** May read (only) this secret, and learns where it is and how long to cache it. */
  bindReader(fn: LambdaFunction): void {
    this.secret.grantRead(fn)
    fn.addEnvironment(AWS_ENV.secretId, this.secretId)
    fn.addEnvironment(AWS_ENV.secretCacheSeconds, String(this.cacheSeconds))
  }
}

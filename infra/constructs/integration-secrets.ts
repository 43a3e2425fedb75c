import { SecretValue, Validations } from 'aws-cdk-lib'
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda'
import { type ISecret, Secret } from 'aws-cdk-lib/aws-secretsmanager'
import { Construct } from 'constructs'
import { AWS_ENV, type AwsEnvName } from '../../shared/aws-env.js'

export type IntegrationSecretsProps = {
  /** Import this existing secret by name for the routes' signing secrets instead of creating one. */
  readonly existingSigningSecretName?: string
  /** Import this existing secret by name for the Halo credentials instead of creating one. */
  readonly existingHaloSecretName?: string
  /**
   * How long functions trust a read value, in seconds; a value that lacks what a function needs
   * (credentials, a secret that verifies a request) is read again sooner. @default 900
   */
  readonly cacheSeconds?: number
}

/** The shapes documented on the created secrets; `npm run secrets` prints them with examples. */
export const SIGNING_SECRET_DESCRIPTION =
  'halo-hooks route signing secrets, read by ingest only. JSON: ' +
  '{"routes":{"<route>":{"current":"...","previous":"..."}}} - see npm run secrets'
export const HALO_SECRET_DESCRIPTION =
  'halo-hooks Halo API credentials, read by deliver only. JSON: ' +
  '{"halo":{"clientId":"...","clientSecret":"..."}} - see npm run secrets'

/** Why neither secret has a rotation Lambda (cdk-nag AwsSolutions-SMG4). */
const MANUAL_ROTATION =
  'The values are issued by third parties (HaloPSA API client credentials, each sender ' +
  'webhook signing secret) and can only be changed in those systems, so a rotation Lambda ' +
  'cannot rotate them. Rotation is manual and zero-downtime by design: each route holds ' +
  '{current, previous}, both verify during the change-over, functions re-read the secret ' +
  'within its cache time (docs/deploy.md, "Rotating a secret").'

/** One secret, and how its one reader is bound to it. */
export type ReadableSecret = {
  readonly secret: ISecret
  /** What the function passes to GetSecretValue: the full ARN, or the imported secret's name. */
  readonly secretId: string
  /** May read (only) this secret, and learns where it is and how long to cache it. */
  bindReader(fn: LambdaFunction): void
}

const readableSecret = (
  secret: ISecret,
  secretId: string,
  envName: AwsEnvName,
  cacheSeconds: number,
): ReadableSecret => ({
  secret,
  secretId,
  bindReader(fn) {
    secret.grantRead(fn)
    fn.addEnvironment(envName, secretId)
    fn.addEnvironment(AWS_ENV.secretCacheSeconds, String(cacheSeconds))
  },
})

/**
 * The deployment's two Secrets Manager secrets, so that each function can read only its own:
 * the routes' signing secrets (`signing`, for ingest, which faces the internet) and the Halo
 * client credentials (`halo`, for deliver). Each is created holding an empty shape (no secret
 * value lives in the template), or an existing one is imported by name. The functions read them
 * at run time, so editing one needs no redeploy.
 *
 * The signing secret keeps the construct path of the single secret deployments had before, so
 * an upgrade keeps that secret (and its routes) in place; `npm run secrets -- split` then moves
 * the Halo credentials out of it.
 */
export class IntegrationSecrets extends Construct {
  readonly signing: ReadableSecret
  readonly halo: ReadableSecret

  constructor(scope: Construct, id: string, props: IntegrationSecretsProps = {}) {
    super(scope, id)
    const cacheSeconds = props.cacheSeconds ?? 900
    this.signing = this.readable({
      id: 'Secret',
      existingName: props.existingSigningSecretName,
      description: SIGNING_SECRET_DESCRIPTION,
      // Exactly the placeholder of the single secret before: a changed value here would make
      // CloudFormation overwrite the deployed secret's routes.
      placeholder: '{"routes":{}}',
      envName: AWS_ENV.signingSecretId,
      cacheSeconds,
    })
    this.halo = this.readable({
      id: 'HaloSecret',
      existingName: props.existingHaloSecretName,
      description: HALO_SECRET_DESCRIPTION,
      placeholder: '{}',
      envName: AWS_ENV.haloSecretId,
      cacheSeconds,
    })
  }

  private readable(options: {
    id: string
    existingName: string | undefined
    description: string
    placeholder: string
    envName: AwsEnvName
    cacheSeconds: number
  }): ReadableSecret {
    const { id, existingName } = options
    if (existingName) {
      const secret = Secret.fromSecretNameV2(this, id, existingName)
      // An imported secret's ARN lacks the random suffix, which GetSecretValue may not resolve.
      return readableSecret(secret, existingName, options.envName, options.cacheSeconds)
    }
    const secret = new Secret(this, id, {
      description: options.description,
      // A placeholder with no secret in it; CloudFormation never overwrites later edits.
      secretStringValue: SecretValue.unsafePlainText(options.placeholder),
    })
    Validations.of(secret).acknowledge({
      id: 'AwsSolutions::AwsSolutions-SMG4',
      reason: MANUAL_ROTATION,
    })
    return readableSecret(secret, secret.secretArn, options.envName, options.cacheSeconds)
  }
}

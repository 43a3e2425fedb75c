import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { join } from 'node:path'
import { AssetHashType, DockerImage, type Duration, RemovalPolicy } from 'aws-cdk-lib'
import { Effect, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam'
import {
  ApplicationLogLevel,
  Architecture,
  Code,
  Function as LambdaFunction,
  LoggingFormat,
  Runtime,
  SystemLogLevel,
} from 'aws-cdk-lib/aws-lambda'
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs'
import { Construct } from 'constructs'
import type { RouteData } from '../../shared/config/route-data.js'
import type { LambdaFunctionName } from '../bundling.js'

export type NodeFunctionProps = {
  /** Which of the project's functions (`LAMBDA_FUNCTIONS` in infra/bundling.ts). */
  readonly function: LambdaFunctionName
  /** The routes compiled into its bundle: the config as checked at synth (`routeDataOf`). */
  readonly routes: Readonly<Record<string, RouteData>>
  /** Powertools service name (logs, metrics). */
  readonly serviceName: string
  readonly timeout: Duration
  /** Memory in MB, which also sets the function's share of a CPU (1769 MB: one vCPU). */
  readonly memorySize: number
  readonly logRetention: RetentionDays
  /** Project root, where the lockfile is. */
  readonly projectRoot: string
  /**
   * Ship source maps and run Node.js with `--enable-source-maps`, for stack traces that name the
   * TypeScript files. It costs at every cold start (BENCHMARKS.md). @default false
   */
  readonly sourceMaps?: boolean
}

/**
 * The house Lambda function: ARM64, the newest Node.js runtime, an ESM bundle built by the local
 * esbuild with the project's settings (infra/bundling.ts: the SDK bundled, code split, the routes
 * compiled in), its own log group with a retention, and its own role that may write to that log
 * group and nothing else until a construct's `bindX(fn)` grants more. Lambda writes none of its
 * own START, END and REPORT lines (system log level WARN: CloudWatch Logs bills every byte, and
 * the functions' duration and errors are in their metrics); the functions' own lines are INFO
 * and above.
 */
export class NodeFunction extends Construct {
  readonly fn: LambdaFunction
  readonly logGroup: LogGroup

  constructor(scope: Construct, id: string, props: NodeFunctionProps) {
    super(scope, id)
    this.logGroup = new LogGroup(this, 'Logs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    })
    // No AWSLambdaBasicExecutionRole: it allows writing to any log group in the account.
    const role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `${props.serviceName}: writes its own logs; other grants come from bindX()`,
    })
    role.addToPrincipalPolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [this.logGroup.logGroupArn],
      }),
    )
    const sourceMaps = props.sourceMaps ?? false
    const request = { fn: props.function, routes: props.routes, sourcemap: sourceMaps }
    this.fn = new LambdaFunction(this, 'Function', {
      code: Code.fromAsset(props.projectRoot, {
        assetHashType: AssetHashType.OUTPUT,
        bundling: {
          // CDK reuses a bundle staged in this process whose options look the same (functions
          // do not count): the function, its routes and source maps tell this one apart.
          environment: {
            HALO_HOOKS_BUNDLE: createHash('sha256').update(JSON.stringify(request)).digest('hex'),
          },
          // Never pulled: bundling is always local (tryBundle succeeds or throws).
          image: DockerImage.fromRegistry('public.ecr.aws/sam/build-nodejs24.x'),
          local: {
            tryBundle: (outdir) => {
              bundleInChild(props.projectRoot, { ...request, outdir })
              return true
            },
          },
        },
      }),
      handler: 'index.handler',
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize,
      timeout: props.timeout,
      role,
      logGroup: this.logGroup,
      loggingFormat: LoggingFormat.JSON,
      systemLogLevelV2: SystemLogLevel.WARN,
      applicationLogLevelV2: ApplicationLogLevel.INFO,
      environment: {
        ...(sourceMaps ? { NODE_OPTIONS: '--enable-source-maps' } : {}),
        POWERTOOLS_SERVICE_NAME: props.serviceName,
        POWERTOOLS_LOG_LEVEL: 'INFO',
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      },
    })
  }
}

/**
 * Runs infra/build-lambda.ts (esbuild's asynchronous API, with plugins) and waits for it: from the
 * cached bundle `npm start` uses (local/launch.mjs), which starts in a fraction of the time a
 * TypeScript loader takes to register, once per function and synth.
 */
const bundleInChild = (projectRoot: string, request: object) => {
  const child = spawnSync(
    process.execPath,
    [join(projectRoot, 'local/launch.mjs'), join(projectRoot, 'infra/build-lambda.ts')],
    { cwd: projectRoot, input: JSON.stringify(request), stdio: ['pipe', 'inherit', 'inherit'] },
  )
  if (child.status !== 0) {
    throw new Error(`bundling failed (${child.error?.message ?? `exit ${child.status}`})`)
  }
}

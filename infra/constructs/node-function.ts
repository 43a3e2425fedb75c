import { type Duration, RemovalPolicy } from 'aws-cdk-lib'
import { Effect, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam'
import {
  ApplicationLogLevel,
  Architecture,
  LoggingFormat,
  Runtime,
  SystemLogLevel,
} from 'aws-cdk-lib/aws-lambda'
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs'
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs'
import { Construct } from 'constructs'
import { LAMBDA_BUNDLING } from '../bundling.js'

export type NodeFunctionProps = {
  /** Entry file, relative to the project root (`functions/ingest/handler.ts`). */
  readonly entry: string
  /** Powertools service name (logs, metrics). */
  readonly serviceName: string
  readonly timeout: Duration
  /** Memory in MB, which also sets the function's share of a CPU (1769 MB: one vCPU). */
  readonly memorySize: number
  readonly logRetention: RetentionDays
  /** Project root, where the lockfile is. */
  readonly projectRoot: string
}

/**
 * The house Lambda function: ARM64, the newest Node.js runtime, an ESM bundle built by the local
 * esbuild with source maps, its own log group with a retention, and its own role that may write
 * to that log group and nothing else until a construct's `bindX(fn)` grants more. Lambda writes
 * none of its own START, END and REPORT lines (system log level WARN: CloudWatch Logs bills every
 * byte, and the functions' duration and errors are in their metrics); the functions' own lines
 * are INFO and above.
 */
export class NodeFunction extends Construct {
  readonly fn: NodejsFunction
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
    this.fn = new NodejsFunction(this, 'Function', {
      entry: `${props.projectRoot}/${props.entry}`,
      projectRoot: props.projectRoot,
      depsLockFilePath: `${props.projectRoot}/package-lock.json`,
      handler: 'handler',
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
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: props.serviceName,
        POWERTOOLS_LOG_LEVEL: 'INFO',
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      },
      bundling: {
        format: OutputFormat.ESM,
        target: LAMBDA_BUNDLING.target,
        minify: LAMBDA_BUNDLING.minify,
        sourceMap: LAMBDA_BUNDLING.sourcemap,
        keepNames: LAMBDA_BUNDLING.keepNames,
        externalModules: [...LAMBDA_BUNDLING.external],
        mainFields: [...LAMBDA_BUNDLING.mainFields],
        banner: LAMBDA_BUNDLING.banner,
        forceDockerBundling: false,
      },
    })
  }
}

import * as z from 'zod'

/** Log retention periods CloudWatch Logs accepts, in days. */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288,
  3653,
] as const

/** A yes/no setting, from the config file (a boolean) or CDK context (`true` / `false`). */
const flag = z.union([z.boolean(), z.enum(['true', 'false']).transform((text) => text === 'true')])

/**
 * Settings of the AWS deployment (`npx cdk deploy`). Each may also be given as CDK context
 * (`-c haloUrl=https://...`), which wins over the config file. Secrets never go here.
 */
export const DeploySchema = z
  .object({
    /** CloudFormation stack name. @default 'HaloHooks' */
    stackName: z
      .string()
      .regex(/^[A-Za-z][A-Za-z0-9-]{0,127}$/, 'letters, digits and dashes, starting with a letter')
      .default('HaloHooks'),
    /** HTTP API stage; `$default` serves at the API root, any other name prefixes every URL. */
    stageName: z
      .string()
      .regex(/^(\$default|[A-Za-z0-9_-]{1,128})$/, '"$default" or letters, digits, _ and -')
      .default('$default'),
    /** The Halo instance, e.g. `https://acme.halopsa.com`. Deliver waits (defers) until it is set. */
    haloUrl: z.url({ protocol: /^https?$/ }).optional(),
    /** Hosted Halo's tenant name, sent as `?tenant=` on token requests. */
    haloTenant: z.string().min(1).optional(),
    /** Where alarms are e-mailed (an SNS subscription to confirm). @default no e-mail */
    alarmEmail: z.email().optional(),
    /** Days the functions' and the API's logs are kept. @default 30 */
    logRetentionDays: z.coerce
      .number()
      .refine((days) => (LOG_RETENTION_DAYS as readonly number[]).includes(days), {
        message: `one of ${LOG_RETENTION_DAYS.join(', ')}`,
      })
      .default(30),
    /**
     * Use this existing Secrets Manager secret (by name) for the routes' signing secrets instead
     * of creating one. Before the split into two secrets this was the only secret.
     */
    secretName: z.string().min(1).max(512).optional(),
    /** Use this existing Secrets Manager secret (by name) for the Halo credentials. */
    haloSecretName: z.string().min(1).max(512).optional(),
    /** Requests per second the API accepts before answering 429 (senders retry). @default 50 / burst 100 */
    throttle: z
      .object({
        rateLimit: z.coerce.number().min(1).max(10_000).default(50),
        burstLimit: z.coerce.number().int().min(1).max(5_000).default(100),
      })
      .strict()
      .default({ rateLimit: 50, burstLimit: 100 }),
    /** Deliver instances at once (Lambda SQS event source, 2 to 1000). @default 2 */
    maxConcurrency: z.coerce.number().int().min(2).max(1_000).default(2),
    /**
     * Receives before SQS would move a message to the DLQ by itself; deliver parks it with its
     * reason on its last receive instead. Every deferral (Halo down, budget used up) is a
     * receive, so this is high: with back-off capped at 30 minutes, 1000 receives outlast the
     * queue's 14-day retention (a message about to expire is parked too). @default 1000
     */
    maxReceiveCount: z.coerce.number().int().min(2).max(1_000).default(1_000),
    /**
     * Deliver function timeout in seconds; the queue's visibility timeout is 6×. At least 30: a
     * record is started only with 25 s left (it waits for the budget a second at most, then
     * defers). @default 60
     */
    workerTimeoutSeconds: z.coerce.number().int().min(30).max(900).default(60),
    /**
     * Draw a CloudWatch dashboard of the whole pipeline. It costs $3 a month unless the account
     * has fewer than three; the alarms and the saved Logs Insights queries are there either way.
     * @default false
     */
    dashboard: flag.default(false),
    /**
     * What the delivery history (`npm run deliveries`) keeps of each envelope: its latest outcome
     * whatever it is (`all`), or only `changes`: delivered (the receipt of a Halo write, which
     * costs nothing extra), parked and failed. Every other outcome (recorded, suppressed,
     * deduplicated, deferred, held) costs one DynamoDB write under `all`; the audit log lines
     * have them either way. @default 'all'
     */
    deliveryHistory: z.enum(['all', 'changes']).default('all'),
    /**
     * How senders reach ingest. `http-api`: an API Gateway HTTP API, throttled per second
     * (`throttle`), with access logs and the IAM-signed dry run ($1 per million requests).
     * `function-url`: ingest's own Lambda function URL, at no charge per request, throttled by
     * ingest's reserved concurrency (`ingestConcurrency`), without access logs or the dry run
     * (a function URL cannot ask IAM for one path only). @default 'http-api'
     */
    endpoint: z.enum(['http-api', 'function-url']).default('http-api'),
    /**
     * With `endpoint: 'function-url'`, ingest instances at once (reserved concurrency): the
     * throttle in place of the HTTP API's. A request beyond it is answered 429 and the sender
     * retries. Reserving takes this many from the account's concurrency. @default 10
     */
    ingestConcurrency: z.coerce.number().int().min(1).max(1_000).default(10),
    /**
     * Source maps for the functions: the bundles ship `.map` files and Node.js runs with
     * `--enable-source-maps`, so stack traces name the TypeScript files. It costs time at every
     * cold start (BENCHMARKS.md), so it is off unless asked for. @default false
     */
    sourceMaps: z
      .union([z.boolean(), z.enum(['true', 'false']).transform((value) => value === 'true')])
      .default(false),
  })
  .strict()

export type Deploy = z.infer<typeof DeploySchema>
export type DeployInput = z.input<typeof DeploySchema>

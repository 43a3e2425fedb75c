import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb'
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'
import { configPath, loadConfigFile } from '../shared/config/load-config-file.js'
import { createDynamoDbDeliveryHistory } from '../shared/delivery/dynamodb-delivery-history.js'
import {
  type DeliveriesJson,
  deliveryView,
  haloTicketUrl,
  parseDeliveryQuery,
} from './delivery-view.js'
import { importConfigModule } from './import-config-module.js'

const USAGE = `npm run deliveries -- [options]
  Prints the deployed stack's delivery history as JSON: each envelope's latest outcome, newest
  first, the same JSON as the local gateway's /deliveries.json. Reads the stack's DynamoDB table
  with your AWS credentials (dynamodb:ListTables unless --table, and dynamodb:Scan: it reads the
  whole table, whose history items expire after 14 days). For the local gateway, open
  http://127.0.0.1:8787/deliveries (or /deliveries.json) instead.

  --stack <name>     stack whose state table to read (found by name prefix) [HaloHooks]
  --table <name>     the state table (the stack's StateTableName output), instead of --stack
  --route <name>     only this route
  --outcome <name>   only this outcome: delivered, deduplicated, suppressed, recorded,
                     deferred, held, parked or failed
  --limit <n>        at most this many (1-1000) [200]
  --halo-url <url>   link tickets to this Halo [deploy.haloUrl of halo-hooks.config.ts]`

export type DeliveriesCommandDeps = {
  dynamodb: DynamoDBClient
  out: (line: string) => void
  /** The deployed Halo's URL when `--halo-url` is not given (the config file's deploy.haloUrl). */
  defaultHaloUrl?: () => Promise<string | undefined>
}

/** The one table whose name starts with `prefix` (CloudFormation names it `<stack>-StateTable…`). */
const findTable = async (dynamodb: DynamoDBClient, prefix: string): Promise<string> => {
  const names: string[] = []
  let start: string | undefined
  do {
    const page = await dynamodb.send(new ListTablesCommand({ ExclusiveStartTableName: start }))
    names.push(...(page.TableNames ?? []).filter((name) => name.startsWith(prefix)))
    start = page.LastEvaluatedTableName
  } while (start)
  if (names.length !== 1) {
    throw new Error(
      `expected one table named ${prefix}*, found ${names.length}: pass --table (the StateTableName output)`,
    )
  }
  return names[0] as string
}

/**
 * `npm run deliveries`: the stack's delivery history (`hist#` items of the state table), filtered
 * by route and outcome, newest first, printed as `{ "deliveries": [...] }`. Resolves with the exit
 * code; invalid options are thrown.
 */
export const runDeliveries = async (
  argv: readonly string[],
  deps: DeliveriesCommandDeps,
): Promise<number> => {
  if (argv.includes('--help')) {
    deps.out(USAGE)
    return 0
  }
  const { values } = parseArgs({
    args: [...argv],
    options: {
      stack: { type: 'string', default: 'HaloHooks' },
      table: { type: 'string' },
      route: { type: 'string' },
      outcome: { type: 'string' },
      limit: { type: 'string' },
      'halo-url': { type: 'string' },
    },
    strict: true,
  })
  const parsed = parseDeliveryQuery({
    route: values.route,
    outcome: values.outcome,
    limit: values.limit,
  })
  if (!parsed.ok) throw new RangeError(parsed.issues.map((issue) => `--${issue}`).join('\n'))
  const tableName = values.table ?? (await findTable(deps.dynamodb, `${values.stack}-StateTable`))
  const history = createDynamoDbDeliveryHistory({
    client: DynamoDBDocumentClient.from(deps.dynamodb),
    tableName,
  })
  const haloUrl = values['halo-url'] ?? (await deps.defaultHaloUrl?.())
  const ticketUrl = haloUrl ? haloTicketUrl(haloUrl) : undefined
  const records = await history.list(parsed.query)
  const json: DeliveriesJson = {
    deliveries: records.map((record) => deliveryView(record, ticketUrl)),
  }
  deps.out(JSON.stringify(json, null, 2))
  return 0
}

/** The Halo the stack delivers to, as the config file deploys it; none when it cannot be read. */
const configuredHaloUrl = async () => {
  try {
    const compiled = await loadConfigFile(configPath({}), importConfigModule)
    return compiled.config.deploy?.haloUrl
  } catch {
    return undefined
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  runDeliveries(process.argv.slice(2), {
    dynamodb: new DynamoDBClient({}),
    out: (line) => process.stdout.write(`${line}\n`),
    defaultHaloUrl: configuredHaloUrl,
  })
    .then((code) => {
      process.exitCode = code
    })
    .catch((error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`)
      process.exitCode = 1
    })
}

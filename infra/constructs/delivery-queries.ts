import type { QueryStringProps } from 'aws-cdk-lib/aws-logs'

/** The audit lines deliver writes, one per envelope and attempt (Powertools JSON, `message`). */
export const AUDIT_MESSAGES = [
  'envelope delivered',
  'envelope recorded',
  'envelope deduplicated',
  'envelope suppressed',
  'envelope deferred',
  'envelope parked',
] as const

const auditLines = `message in [${AUDIT_MESSAGES.map((m) => `"${m}"`).join(', ')}]`
const outcome = 'message "envelope *" as outcome'

/** A saved Logs Insights query over the deliver function's log group, and its dashboard widget. */
export type DeliveryQuery = {
  /** Last part of the query definition's name (`<stack>/deliveries/<id>`). */
  readonly id: string
  readonly title: string
  /** Its commands (Logs Insights runs them as fields, parse, filter, stats, sort, limit, display). */
  readonly query: QueryStringProps
  readonly width: number
}

/**
 * The questions an operator asks of the audit lines: what became of the latest envelopes, which
 * were parked and why, how each route's envelopes end, and why deliveries wait. Each line's
 * fields: `envelopeId` (on every line of a message), `route`, `key`, `ticketId`, `action`,
 * `reason` (`detail` when deferred), `code` and `receiveCount`.
 */
export const DELIVERY_QUERIES: readonly DeliveryQuery[] = [
  {
    id: 'latest',
    title: 'Deliveries: the latest outcomes',
    query: {
      fields: ['@timestamp', 'coalesce(reason, detail) as why'],
      parseStatements: [outcome],
      filterStatements: [auditLines],
      sort: '@timestamp desc',
      limit: 200,
      display: '@timestamp, outcome, route, key, ticketId, action, code, why, envelopeId',
    },
    width: 24,
  },
  {
    id: 'parked',
    title: 'Parked envelopes and why (npm run replay moves them back)',
    query: {
      fields: ['@timestamp', 'route', 'key', 'code', 'reason', 'receiveCount', 'envelopeId'],
      filterStatements: ['message = "envelope parked"'],
      sort: '@timestamp desc',
      limit: 200,
    },
    width: 12,
  },
  {
    id: 'outcomes-by-route',
    title: 'Outcomes by route',
    query: {
      parseStatements: [outcome],
      filterStatements: [auditLines],
      statsStatements: ['count(*) as envelopes by route, outcome'],
      sort: 'envelopes desc',
    },
    width: 6,
  },
  {
    id: 'deferred-by-code',
    title: 'Deferrals by code',
    query: {
      filterStatements: ['message = "envelope deferred"'],
      statsStatements: ['count(*) as deferrals by code'],
      sort: 'deferrals desc',
    },
    width: 6,
  },
]

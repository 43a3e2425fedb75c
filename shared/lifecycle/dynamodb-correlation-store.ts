import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb'
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
} from '@aws-sdk/lib-dynamodb'
import { StateStoreError } from '../errors.js'
import { readOrThrow } from '../schema-reading.js'
import { appliedMark } from './applied-ids.js'
import { CORRELATION_RECORD } from './correlation-record-reading.js'
import {
  type CorrelationRecord,
  type CorrelationState,
  type CorrelationStore,
  type DueProblem,
  type OpenTicket,
  openTicketOf,
} from './correlation-store.js'
import { dueAtOf as policiesDueAtOf } from './due.js'
import { byDueFirst, type DueIndexOptions, dueProblemOf } from './due-problem.js'
import { openTicketOrder } from './open-ticket-order.js'

export type DynamoDbCorrelationStoreOptions = DueIndexOptions & {
  client: DynamoDBDocumentClient
  tableName: string
  /**
   * Seconds after `lastSeen` (or after its due time, when that is later) when DynamoDB may delete
   * a record (TTL attribute `expiresAt`).
   * @default 400 days while the ticket is open, 35 days once it is closed or resolved
   */
  retentionSeconds?: (state: CorrelationState) => number
}

const DAY = 86_400
const defaultRetention = (state: CorrelationState) =>
  state.state === 'open' ? 400 * DAY : 35 * DAY

/** The partition key of a correlation record. Route names cannot contain `#`, keys may. */
export const correlationKey = (route: string, key: string) => `corr#${route}#${key}`

/** The route and key a correlation record's partition key names (route names hold no `#`). */
const routeKeyOf = (pk: string): { route: string; key: string } | undefined => {
  const match = /^corr#([^#]+)#([\s\S]*)$/.exec(pk)
  return match ? { route: match[1] as string, key: match[2] as string } : undefined
}

/**
 * The ticket index: a KEYS_ONLY GSI on the records' own `ticketId`. DynamoDB writes a KEYS_ONLY
 * index only when an item's index key changes (a new ticket), so most record writes cost the
 * index nothing, and a record write is a single put.
 */
export const TICKET_INDEX = { name: 'TicketIds', partitionKey: 'ticketId' } as const

/**
 * The sparse index of open tickets (the reconcile sweep's work list): only a record whose ticket
 * is open carries its two attributes, so closed and resolved records cost the index nothing. The
 * sort key orders by last check, then route and key (`#` sorts below every character a route
 * name may hold, so the order is that of `open-ticket-order.ts`).
 */
export const OPEN_TICKETS_INDEX = {
  name: 'OpenTickets',
  partitionKey: 'openTicket',
  sortKey: 'openOrder',
  /** Besides the keys: what a sweep needs to read the ticket and name its problem. */
  projected: ['route', 'key', 'ticketId'],
} as const

/** The one partition of the open-ticket index. */
const OPEN = 'open'

const openTicketAttributes = (record: CorrelationRecord): Record<string, string> => {
  const open = openTicketOf(record)
  if (!open) return {}
  return {
    [OPEN_TICKETS_INDEX.partitionKey]: OPEN,
    [OPEN_TICKETS_INDEX.sortKey]: openTicketOrder(open),
  }
}

/**
 * The sparse index of due problems (the due sweep's work list): only a record with a due time
 * carries its two attributes, so records without deadlines cost the index nothing. One partition
 * per route, so the sweep lists only the routes configured now: problems a removed route left due
 * can never stand in front of them. The sort key orders by due time, then route and key, as
 * `byDueFirst` does.
 */
export const DUE_INDEX = {
  name: 'DueProblems',
  partitionKey: 'dueIndex',
  sortKey: 'dueOrder',
  /** Besides the keys: what a timer needs to name its problem. */
  projected: ['route', 'key'],
} as const

const dueAttributes = (
  record: CorrelationRecord,
  dueAtOf: DueIndexOptions['dueAtOf'],
): Record<string, string> => {
  const due = dueProblemOf(record, dueAtOf)
  if (!due) return {}
  return {
    [DUE_INDEX.partitionKey]: due.route,
    [DUE_INDEX.sortKey]: `${due.dueAt}#${due.route}#${due.key}`,
  }
}

const translate = (operation: string, error: unknown): never => {
  const name = error instanceof Error ? error.name : 'unknown'
  throw new StateStoreError(`DynamoDB ${operation} failed (${name})`, { cause: error })
}

// DynamoDB has no `undefined`; optional fields that are unset are left out, nested ones too (the
// intent's next state).
const withoutUndefined = (record: CorrelationRecord): Record<string, unknown> =>
  JSON.parse(JSON.stringify(record))

/** Of several records holding one ticket (a merge target another problem also holds), the open one, else the newest. */
const currentHolder = (records: CorrelationRecord[]): CorrelationRecord | undefined =>
  [...records].sort(
    (a, b) =>
      Number(b.state === 'open') - Number(a.state === 'open') ||
      b.lastSeen.localeCompare(a.lastSeen),
  )[0]

/** The fields an intent's next state shares with the record it is stored on. */
type StateFields = Record<string, unknown> & { applied?: unknown[] }

/**
 * An intent as stored: its next state only by what differs from the record's own state (most of
 * it does not, and a write unit is 1 KB). `appliedKept` n stands for the usual change of the
 * applied ids, the record's with the intent's envelope id added, the last n of them kept.
 */
type StoredPending = Record<string, unknown> & {
  envelopeId: string
  changes: StateFields
  unset?: string[]
  appliedKept?: number
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b)

const compactPending = (base: StateFields, pending: Record<string, unknown>): StoredPending => {
  const { next, ...rest } = pending as { next: StateFields; envelopeId: string }
  const applied = next.applied ?? []
  const appliedKept =
    applied.length > 0 &&
    same(applied, [...(base.applied ?? []), appliedMark(rest.envelopeId)].slice(-applied.length))
      ? applied.length
      : undefined
  const changes: StateFields = {}
  for (const [field, value] of Object.entries(next)) {
    if (field === 'applied' && appliedKept !== undefined) continue
    if (!same(value, base[field])) changes[field] = value
  }
  const unset = Object.keys(base).filter((field) => !(field in next))
  return {
    ...rest,
    changes,
    ...(unset.length ? { unset } : {}),
    ...(appliedKept === undefined ? {} : { appliedKept }),
  }
}

const expandPending = (base: StateFields, stored: StoredPending): Record<string, unknown> => {
  const { changes, unset, appliedKept, ...rest } = stored
  const next: StateFields = { ...base, ...changes }
  for (const field of unset ?? []) delete next[field]
  if (appliedKept !== undefined) {
    next.applied = [...(base.applied ?? []), appliedMark(rest.envelopeId)].slice(-appliedKept)
  }
  return { ...rest, next }
}

/**
 * {@link CorrelationStore} on a DynamoDB table keyed by `pk`. Reads are strongly consistent and
 * writes conditional on the version read, so two workers can never both act on a stale record.
 * Each record carries an `expiresAt` TTL so state of long-finished problems ages out.
 *
 * Every write is a single conditional put. {@link CorrelationStore.findByTicket} queries the
 * {@link TICKET_INDEX} GSI and reads what it names strongly, answering only a record whose ticket
 * is still that one. The GSI is eventually consistent: an event about a ticket created a moment
 * ago may find nothing yet and be ignored; the reconcile sweep re-reads open tickets, so what
 * such an event said is learned by the next sweep at the latest.
 *
 * A record whose ticket is open also carries the attributes of the sparse {@link
 * OPEN_TICKETS_INDEX} (a GSI, eventually consistent), which {@link CorrelationStore.listOpenTickets}
 * queries; a record with a due time those of the sparse {@link DUE_INDEX}, which
 * {@link CorrelationStore.listDue} queries.
 */
export const createDynamoDbCorrelationStore = (
  options: DynamoDbCorrelationStoreOptions,
): CorrelationStore => {
  const { client, tableName } = options
  const retention = options.retentionSeconds ?? defaultRetention
  const dueTimeOf = options.dueAtOf ?? policiesDueAtOf
  // A record waiting for its deadline (a heartbeat expected in six weeks) is kept until then at
  // least: expired, its deadline would pass unnoticed.
  const expiresAtOf = (state: CorrelationState) => {
    const due = dueTimeOf(state)
    const from = Math.max(Date.parse(state.lastSeen), due === undefined ? 0 : Date.parse(due))
    return Math.floor(from / 1000) + retention(state)
  }

  const store: CorrelationStore = {
    async get(route, key) {
      const result = await client
        .send(
          new GetCommand({
            TableName: tableName,
            Key: { pk: correlationKey(route, key) },
            ConsistentRead: true,
          }),
        )
        .catch((error: unknown) => translate('GetItem', error))
      if (!result.Item) return undefined
      const {
        pk: _pk,
        expiresAt: _expiresAt,
        [OPEN_TICKETS_INDEX.partitionKey]: _open,
        [OPEN_TICKETS_INDEX.sortKey]: _order,
        [DUE_INDEX.partitionKey]: _due,
        [DUE_INDEX.sortKey]: _dueOrder,
        pending,
        version,
        ...state
      } = result.Item
      // An intent stored whole (before compact intents) has its `next` as it is.
      const expanded =
        pending && typeof pending === 'object' && 'changes' in pending
          ? expandPending(state, pending as StoredPending)
          : pending
      return readOrThrow(CORRELATION_RECORD, {
        ...state,
        version,
        ...(expanded ? { pending: expanded } : {}),
      })
    },

    async put(record, expectedVersion) {
      const version = (expectedVersion ?? 0) + 1
      // A pending write's state may be stored only by the next delivery (write receipts): the
      // record lives as long as whichever of the two lives longer.
      const expiresAt = Math.max(
        ...[record, ...(record.pending ? [record.pending.next] : [])].map(expiresAtOf),
      )
      const {
        pending,
        version: _,
        ...state
      } = withoutUndefined(await readOrThrow(CORRELATION_RECORD, record))
      const recordPut = {
        TableName: tableName,
        Item: {
          ...state,
          ...(pending
            ? { pending: compactPending(state, pending as Record<string, unknown>) }
            : {}),
          version,
          pk: correlationKey(record.route, record.key),
          expiresAt,
          ...openTicketAttributes(record),
          ...dueAttributes(record, options.dueAtOf),
        },
        ...(expectedVersion === undefined
          ? { ConditionExpression: 'attribute_not_exists(pk)' }
          : {
              ConditionExpression: '#version = :expected',
              ExpressionAttributeNames: { '#version': 'version' },
              ExpressionAttributeValues: { ':expected': expectedVersion },
            }),
      }
      try {
        await client.send(new PutCommand(recordPut))
        return true
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return false
        return translate('PutItem', error)
      }
    },

    async listOpenTickets(limit, after) {
      if (limit < 1) return []
      const result = await client
        .send(
          new QueryCommand({
            TableName: tableName,
            IndexName: OPEN_TICKETS_INDEX.name,
            KeyConditionExpression: after ? '#open = :open AND #order > :after' : '#open = :open',
            ExpressionAttributeNames: {
              '#open': OPEN_TICKETS_INDEX.partitionKey,
              ...(after ? { '#order': OPEN_TICKETS_INDEX.sortKey } : {}),
            },
            ExpressionAttributeValues: {
              ':open': OPEN,
              ...(after ? { ':after': openTicketOrder(after) } : {}),
            },
            ScanIndexForward: true,
            Limit: limit,
          }),
        )
        .catch((error: unknown) => translate('Query', error))
      return (result.Items ?? []).flatMap((item): OpenTicket[] => {
        const { route, key, ticketId } = item
        const order = item[OPEN_TICKETS_INDEX.sortKey]
        if (typeof route !== 'string' || typeof key !== 'string') return []
        if (typeof ticketId !== 'number' || typeof order !== 'string') return []
        return [{ route, key, ticketId, checkedAt: order.slice(0, order.indexOf('#')) }]
      })
    },

    async listDue(now, limit, routes) {
      if (limit < 1) return []
      const listRoute = async (route: string): Promise<DueProblem[]> => {
        const result = await client
          .send(
            new QueryCommand({
              TableName: tableName,
              IndexName: DUE_INDEX.name,
              // Every sort key due at `now` begins `<now>#`, and `$` sorts right after `#`.
              KeyConditionExpression: '#due = :route AND #order < :after',
              ExpressionAttributeNames: {
                '#due': DUE_INDEX.partitionKey,
                '#order': DUE_INDEX.sortKey,
              },
              ExpressionAttributeValues: { ':route': route, ':after': `${now.toISOString()}$` },
              ScanIndexForward: true,
              Limit: limit,
            }),
          )
          .catch((error: unknown) => translate('Query', error))
        return (result.Items ?? []).flatMap((item): DueProblem[] => {
          const { key } = item
          const order = item[DUE_INDEX.sortKey]
          if (typeof key !== 'string' || typeof order !== 'string') return []
          return [{ route, key, dueAt: order.slice(0, order.indexOf('#')) }]
        })
      }
      const listed = await Promise.all([...new Set(routes)].map(listRoute))
      return listed.flat().sort(byDueFirst).slice(0, limit)
    },

    async findByTicket(ticketId) {
      const result = await client
        .send(
          new QueryCommand({
            TableName: tableName,
            IndexName: TICKET_INDEX.name,
            KeyConditionExpression: '#ticket = :ticket',
            ExpressionAttributeNames: { '#ticket': TICKET_INDEX.partitionKey },
            ExpressionAttributeValues: { ':ticket': ticketId },
          }),
        )
        .catch((error: unknown) => translate('Query', error))
      const named = (result.Items ?? []).flatMap((item) => {
        const at = typeof item.pk === 'string' ? routeKeyOf(item.pk) : undefined
        return at ? [at] : []
      })
      // The index may lag: only what a strong read shows holding the ticket now counts.
      const records = await Promise.all(named.map(({ route, key }) => store.get(route, key)))
      return currentHolder(
        records.filter((record): record is CorrelationRecord => record?.ticketId === ticketId),
      )
    },
  }
  return store
}

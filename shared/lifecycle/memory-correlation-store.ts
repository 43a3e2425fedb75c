import { copyPlain } from '../plain-copy.js'
import {
  type CorrelationRecord,
  type CorrelationStore,
  type DueProblem,
  type OpenTicket,
  openTicketOf,
} from './correlation-store.js'
import { byDueFirst, type DueIndexOptions, dueProblemOf } from './due-problem.js'
import { byLeastRecentlyChecked } from './open-ticket-order.js'

/** Correlation state in a Map, with the same conditional-write contract as DynamoDB. */
export const createMemoryCorrelationStore = ({ dueAtOf }: DueIndexOptions = {}) => {
  const records = new Map<string, CorrelationRecord>()
  const id = (route: string, key: string) => `${route}\u0000${key}`
  const store = {
    async get(route: string, key: string) {
      const record = records.get(id(route, key))
      return record && copyPlain(record)
    },
    async put(record: CorrelationRecord, expectedVersion: number | undefined) {
      const current = records.get(id(record.route, record.key))
      if (current?.version !== expectedVersion) return false
      records.set(id(record.route, record.key), {
        ...copyPlain(record),
        version: (expectedVersion ?? 0) + 1,
      })
      return true
    },
    async findByTicket(ticketId: number) {
      const record = [...records.values()].find((candidate) => candidate.ticketId === ticketId)
      return record && copyPlain(record)
    },
    async listOpenTickets(limit: number, after?: OpenTicket) {
      return [...records.values()]
        .map(openTicketOf)
        .filter((open): open is OpenTicket => open !== undefined)
        .filter((open) => after === undefined || byLeastRecentlyChecked(open, after) > 0)
        .sort(byLeastRecentlyChecked)
        .slice(0, limit)
    },
    async listDue(now: Date, limit: number, routes: readonly string[]) {
      const upTo = now.toISOString()
      return [...records.values()]
        .filter((record) => routes.includes(record.route))
        .map((record) => dueProblemOf(record, dueAtOf))
        .filter((due): due is DueProblem => due !== undefined && due.dueAt <= upTo)
        .sort(byDueFirst)
        .slice(0, limit)
    },
    all: (): CorrelationRecord[] => [...records.values()].map((record) => copyPlain(record)),
  }
  return store satisfies CorrelationStore
}

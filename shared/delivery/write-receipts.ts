import type { CorrelationRecord, CorrelationStore } from '../lifecycle/correlation-store.js'
import { type DeliveryHistory, WRITE_RECEIPT_OUTCOMES } from './delivery-history.js'

/**
 * Where a Halo write is known to be done without asking Halo. Delivery stores each write's intent
 * (the call and the state after it) before making it; with receipts it does not store the state
 * again once the call is made: the envelope's outcome, which the delivery history records
 * anyway, says so, and the next delivery of the same problem reads it and stores that state
 * along with its own write. A receipt that cannot be found (never written, expired) only means
 * the next delivery asks Halo whether the write happened, as after a crash: never a second write.
 */
export interface WriteReceipts {
  /** This process just made envelope `envelopeId`'s write, on ticket `ticketId`. */
  made(envelopeId: string, ticketId: number): void
  /** The ticket envelope `envelopeId`'s write touched, when it is known done; else undefined. */
  find(envelopeId: string): Promise<number | undefined>
}

/** Writes made by this process that it still remembers itself, newest last. */
const REMEMBERED = 1_000

/**
 * Receipts from the delivery history: an envelope's `delivered` outcome is recorded only after
 * its own Halo write was made, and names the ticket it touched. The writes this process made are
 * remembered here too, so the next message of the same problem does not wait for (or miss) the
 * history's write of the one before it.
 */
export const createHistoryReceipts = (history: Pick<DeliveryHistory, 'get'>): WriteReceipts => {
  const made = new Map<string, number>()
  return {
    made(envelopeId, ticketId) {
      made.delete(envelopeId)
      made.set(envelopeId, ticketId)
      if (made.size > REMEMBERED) made.delete(made.keys().next().value as string)
    },
    async find(envelopeId) {
      const known = made.get(envelopeId)
      if (known !== undefined) return known
      const entry = await history.get(envelopeId)
      return entry && WRITE_RECEIPT_OUTCOMES.has(entry.outcome) ? entry.ticketId : undefined
    },
  }
}

/**
 * The record as it stands once its pending write is known done (by a receipt): the intended state
 * with the ticket, at the stored version, so the next write replaces the intent. A record with
 * no pending write, a write known not sent, or one without a receipt (or whose receipt cannot be
 * read) is returned as it is, for recovery to settle by asking Halo.
 */
export const settleRecord = async (
  record: CorrelationRecord | undefined,
  receipts: WriteReceipts | undefined,
): Promise<CorrelationRecord | undefined> => {
  const pending = record?.pending
  if (!record || !pending || pending.unsent || !receipts) return record
  const ticketId = await receipts.find(pending.envelopeId).catch(() => undefined)
  if (ticketId === undefined) return record
  return { ...pending.next, ticketId, version: record.version }
}

/**
 * A read-only view of a correlation store whose records are settled by receipts, for what only
 * reads them (the dry run): it sees the state delivery would start from.
 */
export const settledCorrelationStore = (
  store: CorrelationStore,
  receipts: WriteReceipts,
): CorrelationStore => ({
  get: async (route, key) => settleRecord(await store.get(route, key), receipts),
  put: (record, expectedVersion) => store.put(record, expectedVersion),
  findByTicket: async (ticketId) => settleRecord(await store.findByTicket(ticketId), receipts),
  listOpenTickets: (limit, after) => store.listOpenTickets(limit, after),
  listDue: (now, limit, routes) => store.listDue(now, limit, routes),
})

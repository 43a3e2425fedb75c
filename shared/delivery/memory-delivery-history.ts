import type { DeliveryFilter, DeliveryHistory, DeliveryRecord } from './delivery-history.js'

/** The delivery history in a Map, newest kept (at most `maxEntries`), for tests. */
export const createMemoryDeliveryHistory = ({ maxEntries = 10_000 } = {}) => {
  const records = new Map<string, DeliveryRecord>()
  return {
    async record(entry: DeliveryRecord) {
      records.delete(entry.envelopeId) // re-inserted last: the Map keeps newest last
      records.set(entry.envelopeId, { ...entry })
      while (records.size > maxEntries) records.delete(records.keys().next().value as string)
    },
    async list({ route, outcome, limit = 200 }: DeliveryFilter = {}) {
      return [...records.values()]
        .reverse()
        .filter(
          (entry) => (!route || entry.route === route) && (!outcome || entry.outcome === outcome),
        )
        .slice(0, limit)
        .map((entry) => ({ ...entry }))
    },
    async get(envelopeId: string) {
      const entry = records.get(envelopeId)
      return entry ? { ...entry } : undefined
    },
  } satisfies DeliveryHistory
}

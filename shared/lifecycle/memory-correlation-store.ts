import { copyPlain } from '../plain-copy.js'
import type { CorrelationRecord, CorrelationStore } from './correlation-store.js'

/** Correlation state in a Map, with the same conditional-write contract as DynamoDB. */
export const createMemoryCorrelationStore = () => {
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
    all: (): CorrelationRecord[] => [...records.values()].map((record) => copyPlain(record)),
  }
  return store satisfies CorrelationStore
}

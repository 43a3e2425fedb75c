import type { OpenTicket } from '../lifecycle/correlation-store.js'

/**
 * Where the last reconcile sweep stopped in the open-ticket order, so the next one goes on from
 * there instead of rereading the same first tickets: a sweep queues only what changed, so an
 * open ticket it read does not move in the order by itself. `undefined`: start from the least
 * recently heard from. Adapters: memory (the gateway; a restart starts over) and DynamoDB.
 */
export interface SweepCursor {
  read(): Promise<OpenTicket | undefined>
  write(position: OpenTicket | undefined): Promise<void>
}

export const createMemorySweepCursor = (): SweepCursor => {
  let position: OpenTicket | undefined
  return {
    read: async () => position,
    async write(next) {
      position = next
    },
  }
}

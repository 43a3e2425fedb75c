import type { AppError } from '../../../shared/errors.js'
import { createResolveAtSource } from '../../../shared/outbound/resolve-at-source.js'
import type { ResolveAtSource } from '../../../shared/outbound/resolve-at-source-config.js'
import type {
  SourceAlert,
  TicketChange,
  TicketRef,
} from '../../../shared/outbound/source-resolver.js'
import { createMemorySecretStore } from '../../../shared/secrets/memory-secret-store.js'

export const ROUTE = 'monitoring'

export const TICKET: TicketRef = { id: 1042, summary: 'Disk full on db01' }

/** A technician's close; `id` names the Halo event, the same on every retry. */
export const closed = (id = 'halo-event-1'): TicketChange => ({
  event: 'closed',
  id,
  at: '2026-11-28T12:00:00.000Z',
  by: 'Sam Carter',
})

/**
 * `resolveAtSource` for one route whose credentials the secret holds under `resolveAtSource`, with
 * short timeouts, and an optional clock.
 */
export const resolverFor = (
  config: ResolveAtSource,
  credentials: Record<string, string> | undefined,
  options: { now?: () => number; fetch?: typeof globalThis.fetch } = {},
) => {
  const resolve = createResolveAtSource({
    secrets: createMemorySecretStore({
      routes: { [ROUTE]: { current: 'route-signing-secret' } },
      ...(credentials ? { resolveAtSource: { [ROUTE]: credentials } } : {}),
    }),
    timeoutMs: 2_000,
    ...options,
  })
  return (alert: SourceAlert, change: TicketChange = closed()) =>
    resolve({ route: ROUTE, config }, alert, TICKET, change)
}

/** What a failed call was rejected with, for assertions on code, retryability and wait. */
export const rejectionOf = async (attempt: Promise<unknown>): Promise<AppError> => {
  try {
    await attempt
  } catch (error) {
    return error as AppError
  }
  throw new Error('expected the call to fail')
}

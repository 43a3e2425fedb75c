import { createIngestApp } from '../../functions/ingest/app.js'
import { compileConfig } from '../../shared/config/compile-config.js'
import { createJsonLogger } from '../../shared/observability.js'
import { createMemoryEventQueue } from '../../shared/queue/memory-event-queue.js'
import { createMemorySecretStore } from '../../shared/secrets/memory-secret-store.js'
import type { Secrets } from '../../shared/secrets/secret-store.js'

/**
 * The real ingest app with the memory queue and secrets, recording every log line so tests can
 * assert on what was (and was not) logged.
 */
export const ingestHarness = (
  config: unknown,
  secrets: Secrets,
  now = new Date('2026-11-28T07:00:00Z'),
) => {
  const queue = createMemoryEventQueue()
  const logs: string[] = []
  const secretStore = createMemorySecretStore(secrets)
  const app = createIngestApp({
    routes: compileConfig(config).routes,
    queue,
    secrets: secretStore,
    now: () => now,
    logger: createJsonLogger({ level: 'debug', write: (line) => logs.push(line) }),
  })
  return { app, queue, logs, secretStore }
}

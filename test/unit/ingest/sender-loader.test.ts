import { createHmac } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createIngestApp } from '../../../functions/ingest/app.js'
import { PROJECT_ROOT } from '../../../infra/bundling.js'
import { loadConfigFile } from '../../../shared/config/load-config-file.js'
import { routeDataOf, routesFromData } from '../../../shared/config/route-data.js'
import { silentLogger } from '../../../shared/observability.js'
import { createMemoryEventQueue } from '../../../shared/queue/memory-event-queue.js'
import { createMemorySecretStore } from '../../../shared/secrets/memory-secret-store.js'
import { genericSource } from '../../../shared/sources/generic/generic-source.js'
import { senderLoader } from '../../../shared/sources/sender-loader.js'
import type { WebhookSource } from '../../../shared/sources/webhook-source.js'

// A function's bundle loads each sender with the first request to one of its routes
// (infra/bundling.ts, routesModuleSource): these are its routes as that bundle makes them.

const SECRET = 'sender-loader-test'
const BODY = readFileSync(join(PROJECT_ROOT, 'local/samples/generic.json'), 'utf8')

const setup = async () => {
  const compiled = await loadConfigFile(join(PROJECT_ROOT, 'halo-hooks.config.ts'))
  const data = routeDataOf(compiled, 'ingest')
  const loads: string[] = []
  let release: () => void = () => {}
  const held = new Promise<void>((resolve) => {
    release = resolve
  })
  const loader = (id: string, source: WebhookSource<unknown>) =>
    senderLoader(id, source.acceptsGet === true, async () => {
      loads.push(id)
      await held
      return source
    })
  const senders = Object.fromEntries(
    [...compiled.routes.values()].map((route) => [
      route.source.id,
      loader(route.source.id, route.source as WebhookSource<unknown>),
    ]),
  )
  const routes = routesFromData(data, senders)
  const queue = createMemoryEventQueue()
  const app = createIngestApp({
    routes,
    queue,
    secrets: createMemorySecretStore({ routes: { 'example-hmac': { current: SECRET } } }),
    now: () => new Date('2026-12-02T00:00:00Z'),
    logger: silentLogger,
  })
  const post = (body: string, delivery: string) =>
    app.request('/hooks/example-hmac', {
      method: 'POST',
      body,
      headers: {
        'content-type': 'application/json',
        'x-delivery-id': delivery,
        'x-signature': `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`,
      },
    })
  return { routes, loads, release, post, queue }
}

describe('a sender loaded with the first request to its routes', () => {
  it('is loaded once for requests that arrive together, and kept for the ones after', async () => {
    const { routes, loads, release, post } = await setup()
    const route = routes.get('example-hmac')
    expect(route?.source).not.toBe(genericSource)

    const first = post(BODY, 'd-1')
    const second = post(BODY, 'd-2')
    await new Promise((resolve) => setTimeout(resolve, 10))
    expect(loads).toEqual(['generic'])
    release()

    expect((await first).status).toBe(202)
    expect((await second).status).toBe(202)
    expect(route?.source).toBe(genericSource)
    expect((await post(BODY, 'd-3')).status).toBe(202)
    expect(loads).toEqual(['generic'])
  })

  it('is not loaded for a request refused before it is needed', async () => {
    const { loads, post } = await setup()

    const response = await post('x'.repeat(8 * 1024 * 1024), 'too-big')

    expect(response.status).toBe(413)
    expect(loads).toEqual([])
  })

  it('is tried again by the next request when loading it failed', async () => {
    let attempts = 0
    const generic = genericSource as WebhookSource<unknown>
    const loader = senderLoader('generic', false, async () => {
      attempts++
      if (attempts === 1) throw new Error('EMFILE: too many open files')
      return generic
    })

    await expect(loader.load()).rejects.toThrow('EMFILE')
    await expect(loader.load()).resolves.toBe(generic)
    await expect(loader.load()).resolves.toBe(generic)
    expect(attempts).toBe(2)
  })
})

import { createHmac } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { describe, it } from 'vitest'
import config from '../../../halo-hooks.config.js'
import { ingestHarness } from '../../support/ingest-harness.js'
import { assertLenientBeyondEssentials } from '../../support/sources/lenience-properties.js'

const SECRET = 'generic-hmac-secret'

/** The sample `npm run send` posts to the example route (the generic sender has no published one). */
const SAMPLE = JSON.parse(
  readFileSync(new URL('../../../local/samples/generic.json', import.meta.url), 'utf8'),
)

/**
 * The generic source has no fields of its own: the example route's `key` and `status` templates
 * read these. Everything its other templates read (title, severity, description, host, customer,
 * url, time) may hold anything.
 */
const ESSENTIAL = ['id', 'status']

describe('generic source, property-based', () => {
  it('accepts a signed sample whatever type its non-essential fields hold, keeping key and status', async () => {
    await assertLenientBeyondEssentials({
      essential: ESSENTIAL,
      samples: { 'local/samples/generic.json': SAMPLE },
      deliver: async (value) => {
        const { app, queue } = ingestHarness(config, {
          routes: { 'example-hmac': { current: SECRET } },
        })
        const body = JSON.stringify(value)
        const signature = `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`
        const response = await app.request('/hooks/example-hmac', {
          method: 'POST',
          body,
          headers: { 'content-type': 'application/json', 'x-signature': signature },
        })
        return { response, queue }
      },
    })
  })
})

import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createSourceHarness, readFixtureBytes } from '../../support/sources/source-harness.js'
import {
  bearerHeaders,
  expectNoServerErrorNorStrayEnvelope,
  jsonBytes,
  PROPERTY_RUNS,
  randomJsonBytes,
  withOneByteReplaced,
} from '../../support/sources/source-properties.js'

const sample = readFixtureBytes('uptime-kuma', 'monitor-down.json')

const setup = () =>
  createSourceHarness({
    route: { source: 'uptime-kuma', auth: { type: 'bearer' } },
    secret: { current: 'secret' },
    now: new Date('2026-11-28T08:00:00Z'),
  })

/** The fixture with one byte replaced, or random JSON, or random bytes. */
const bodies = fc.oneof(
  withOneByteReplaced(sample),
  randomJsonBytes(),
  fc
    .record({
      heartbeat: fc.option(fc.dictionary(fc.string(), fc.jsonValue())),
      monitor: fc.option(fc.dictionary(fc.string(), fc.jsonValue())),
      msg: fc.jsonValue(),
    })
    .map(jsonBytes),
  fc.uint8Array({ maxLength: 512 }),
)

describe('uptime-kuma source under random input', () => {
  it('never lets an exception escape, never answers 5xx, enqueues nothing when it rejects', async () => {
    await fc.assert(
      fc.asyncProperty(
        bodies,
        bearerHeaders(['application/json', 'text/plain', 'multipart/form-data; boundary=x', '']),
        async (body, given) => {
          const { queue, send } = setup()
          const response = await send(body, { headers: given })
          expectNoServerErrorNorStrayEnvelope(response, queue)
          if (given.authorization !== 'Bearer secret') expect(response.status).toBe(401)
        },
      ),
      PROPERTY_RUNS,
    )
  })
})

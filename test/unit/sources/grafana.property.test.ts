import { createHmac } from 'node:crypto'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { assertLenientBeyondEssentials } from '../../support/sources/lenience-properties.js'
import {
  createSourceHarness,
  readFixture,
  readFixtureBytes,
} from '../../support/sources/source-harness.js'
import {
  expectNoServerErrorNorStrayEnvelope,
  PROPERTY_RUNS,
  printableString,
  randomJsonBytes,
  withOneByteReplaced,
} from '../../support/sources/source-properties.js'

const sample = readFixtureBytes('grafana', 'alert-9.json')
const NOW = new Date('2026-11-28T08:00:00Z')
const NOW_SECONDS = Math.floor(NOW.getTime() / 1000)

const setup = () =>
  createSourceHarness({
    route: { source: 'grafana', options: { hmac: { header: 'x-sig', timestampHeader: 'x-ts' } } },
    secret: { current: 'secret' },
    now: NOW,
  })

/**
 * What each alert's key (fingerprint, else labels) and status come from, and the summary that
 * (with two labels) tells Grafana's test notification, which is ignored, from a real alert.
 */
const ESSENTIAL = [
  'alerts.*.status',
  'alerts.*.labels',
  'alerts.*.fingerprint',
  'alerts.*.annotations.summary',
]

const sign = (body: Uint8Array, timestamp: string) =>
  createHmac('sha256', 'secret').update(`${timestamp}:`).update(body).digest('hex')

const bodies = fc.oneof(
  withOneByteReplaced(sample),
  randomJsonBytes(),
  fc.uint8Array({ maxLength: 512 }),
)

/** Signed correctly, signed then tampered, or random headers. */
const signing = fc.constantFrom('valid', 'bad-signature', 'stale', 'random')
const printable = printableString()

describe('grafana source under random input', () => {
  it('never lets an exception escape, never answers 5xx, enqueues nothing when it rejects', async () => {
    await fc.assert(
      fc.asyncProperty(bodies, signing, printable, printable, async (body, mode, sig, ts) => {
        const { queue, send } = setup()
        const now = String(NOW_SECONDS)
        const stale = String(NOW_SECONDS - 3600)
        const headers: Record<string, string> =
          mode === 'valid'
            ? { 'x-ts': now, 'x-sig': sign(body, now) }
            : mode === 'bad-signature'
              ? {
                  'x-ts': now,
                  'x-sig': sign(body, now).replace(/^./, (c) => (c === 'a' ? 'b' : 'a')),
                }
              : mode === 'stale'
                ? { 'x-ts': stale, 'x-sig': sign(body, stale) }
                : { 'x-ts': ts, 'x-sig': sig }
        const response = await send(body, { headers })
        expectNoServerErrorNorStrayEnvelope(response, queue)
        if (mode !== 'valid') expect(response.status).toBe(401)
      }),
      PROPERTY_RUNS,
    )
  })

  it('accepts a signed sample whatever type its non-essential fields hold, keeping keys and statuses', async () => {
    const now = String(NOW_SECONDS)
    await assertLenientBeyondEssentials({
      essential: ESSENTIAL,
      samples: Object.fromEntries(
        ['alert-9.json', 'alert-9-resolved.json', 'alert_values_v11.json'].map((name) => [
          name,
          JSON.parse(readFixture('grafana', name)),
        ]),
      ),
      deliver: async (value) => {
        const { queue, send } = setup()
        const body = new TextEncoder().encode(JSON.stringify(value))
        return {
          response: await send(body, { headers: { 'x-ts': now, 'x-sig': sign(body, now) } }),
          queue,
        }
      },
    })
  })
})

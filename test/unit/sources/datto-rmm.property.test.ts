import fc from 'fast-check'
import { describe, it } from 'vitest'
import {
  assertLenientBeyondEssentials,
  deliverWithToken,
} from '../../support/sources/lenience-properties.js'
import { readFixture } from '../../support/sources/source-harness.js'
import {
  assertTokenRouteUnderRandomText,
  withOneCharReplaced,
} from '../../support/sources/source-properties.js'

const SAMPLE = readFixture('datto-rmm', 'alert-bridge-sample.json')

const mutatedSample = withOneCharReplaced(SAMPLE)

const alertish = fc
  .record(
    {
      alertUID: fc.oneof(fc.string({ maxLength: 300 }), fc.integer()),
      alertMessage: fc.oneof(fc.string(), fc.jsonValue()),
      priority: fc.oneof(fc.constantFrom('Critical', 'Moderate', 'Information'), fc.string()),
      deviceHostname: fc.string({ maxLength: 400 }),
      siteName: fc.string(),
      resolved: fc.oneof(fc.boolean(), fc.string(), fc.constant('true')),
      timestamp: fc.oneof(fc.string(), fc.double(), fc.integer()),
      alertUrl: fc.string({ maxLength: 3000 }),
    },
    { requiredKeys: [] },
  )
  .map((value) => JSON.stringify(value))

/** What the alert's key (alertUID) and its status (the resolution flag) come from. */
const ESSENTIAL = ['alertUID', 'resolved']

describe('datto-rmm source under random input', () => {
  it('never throws, never answers 5xx, and enqueues only what it accepted', async () => {
    await assertTokenRouteUnderRandomText({
      source: 'datto-rmm',
      bodies: fc.oneof(fc.string(), fc.json(), mutatedSample, alertish),
    })
  })

  it('accepts a sample whatever type its non-essential fields hold, keeping key and status', async () => {
    const sample = JSON.parse(SAMPLE) as Record<string, unknown>
    await assertLenientBeyondEssentials({
      essential: ESSENTIAL,
      // No resolution payload is published; like the other Datto tests, derive one with `resolved`.
      samples: { 'alert-bridge-sample.json': sample, resolved: { ...sample, resolved: true } },
      deliver: deliverWithToken('datto-rmm', 'query'),
    })
  })
})

import fc from 'fast-check'
import { describe, it } from 'vitest'
import { assertLenientBeyondEssentials } from '../../support/sources/lenience-properties.js'
import {
  bearer,
  createSourceHarness,
  readFixture,
  readFixtureBytes,
} from '../../support/sources/source-harness.js'
import {
  assertBearerRouteUnderRandomInput,
  jsonBytes,
} from '../../support/sources/source-properties.js'

/** What each alert's key (fingerprint, else labels) and status come from. */
const ESSENTIAL = ['alerts.*.status', 'alerts.*.labels', 'alerts.*.fingerprint']

describe('alertmanager source under random input', () => {
  it('never lets an exception escape, never answers 5xx, enqueues nothing when it rejects', async () => {
    await assertBearerRouteUnderRandomInput({
      source: 'alertmanager',
      sample: readFixtureBytes('alertmanager', 'alert.json'),
      shaped: fc
        .record({ alerts: fc.array(fc.dictionary(fc.string(), fc.jsonValue()), { maxLength: 3 }) })
        .map(jsonBytes),
    })
  })

  it('accepts a sample whatever type its non-essential fields hold, keeping keys and statuses', async () => {
    await assertLenientBeyondEssentials({
      essential: ESSENTIAL,
      samples: {
        'alert.json': JSON.parse(readFixture('alertmanager', 'alert.json')),
        'single_alert.json': JSON.parse(readFixture('alertmanager', 'single_alert.json')),
      },
      deliver: async (value) => {
        const { queue, post } = createSourceHarness({
          route: { source: 'alertmanager', auth: { type: 'bearer' } },
          secret: { current: 'secret' },
          now: new Date('2026-11-28T08:00:00Z'),
        })
        return { response: await post(JSON.stringify(value), { headers: bearer() }), queue }
      },
    })
  })
})

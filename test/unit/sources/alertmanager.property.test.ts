import fc from 'fast-check'
import { describe, it } from 'vitest'
import {
  assertLenientBeyondEssentials,
  deliverWithToken,
  parsedFixtures,
} from '../../support/sources/lenience-properties.js'
import { readFixtureBytes } from '../../support/sources/source-harness.js'
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
      samples: parsedFixtures('alertmanager', ['alert.json', 'single_alert.json']),
      deliver: deliverWithToken('alertmanager', 'bearer'),
    })
  })
})

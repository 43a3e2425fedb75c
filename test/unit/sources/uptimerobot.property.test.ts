import fc from 'fast-check'
import { describe, it } from 'vitest'
import {
  assertLenientBeyondEssentials,
  deliverWithToken,
  parsedFixtures,
} from '../../support/sources/lenience-properties.js'
import { readFixtureBytes } from '../../support/sources/source-harness.js'
import {
  assertQueryTokenRouteUnderRandomInput,
  jsonBytes,
} from '../../support/sources/source-properties.js'

/** What the key (monitor id, else URL) and status (alert type) come from, in either naming. */
const ESSENTIAL = [
  'monitorID',
  'monitorURL',
  'alertType',
  'monitor_id',
  'monitor_url',
  'alert_type',
]

describe('uptimerobot source under random input', () => {
  it('never lets an exception escape, never answers 5xx, enqueues nothing when it rejects', async () => {
    await assertQueryTokenRouteUnderRandomInput({
      source: 'uptimerobot',
      sample: readFixtureBytes('uptimerobot', 'monitor_down.json'),
      shaped: fc
        .dictionary(
          fc.constantFrom('monitorID', 'monitorURL', 'alertType', 'alert_type', 'monitor_url', 'x'),
          fc.oneof(fc.constantFrom('1', '2', '*alertType*'), fc.jsonValue()),
        )
        .map(jsonBytes),
    })
  })

  it('accepts a sample whatever type its non-essential fields hold, keeping key and status', async () => {
    await assertLenientBeyondEssentials({
      essential: ESSENTIAL,
      samples: parsedFixtures('uptimerobot', [
        'monitor_down.json',
        'monitor_up.json',
        'uptimerobot_monitor_down.json',
      ]),
      deliver: deliverWithToken('uptimerobot', 'query'),
    })
  })
})

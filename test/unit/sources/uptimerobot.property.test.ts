import fc from 'fast-check'
import { describe, it } from 'vitest'
import { readFixtureBytes } from '../../support/sources/source-harness.js'
import {
  assertQueryTokenRouteUnderRandomInput,
  jsonBytes,
} from '../../support/sources/source-properties.js'

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
})

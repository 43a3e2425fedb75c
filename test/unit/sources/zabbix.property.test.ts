import fc from 'fast-check'
import { describe, it } from 'vitest'
import { readFixtureBytes } from '../../support/sources/source-harness.js'
import {
  assertBearerRouteUnderRandomInput,
  jsonBytes,
} from '../../support/sources/source-properties.js'

describe('zabbix source under random input', () => {
  it('never lets an exception escape, never answers 5xx, enqueues nothing when it rejects', async () => {
    await assertBearerRouteUnderRandomInput({
      source: 'zabbix',
      sample: readFixtureBytes('zabbix', 'problem.json'),
      shaped: fc
        .dictionary(
          fc.constantFrom(
            'event_id',
            'event_value',
            'event_source',
            'event_tags',
            'hostname',
            'status',
            'trigger',
          ),
          fc.oneof(fc.constantFrom('0', '1', '{EVENT.ID}', 'PROBLEM'), fc.jsonValue()),
        )
        .map(jsonBytes),
    })
  })
})

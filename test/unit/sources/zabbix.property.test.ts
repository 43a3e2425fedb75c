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

/**
 * What the key, status and event type come from: in our script's payload the event's id, value,
 * source and update status; in the Zulip-style one the host, trigger, status and link.
 */
const ESSENTIAL = [
  'event_id',
  'event_value',
  'event_source',
  'event_update_status',
  'hostname',
  'trigger',
  'status',
  'link',
]

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

  it('accepts a sample whatever type its non-essential fields hold, keeping key and status', async () => {
    await assertLenientBeyondEssentials({
      essential: ESSENTIAL,
      samples: parsedFixtures('zabbix', [
        'problem.json',
        'recovery.json',
        'zulip-media-type-problem.json',
        'zulip-media-type-ok.json',
      ]),
      deliver: deliverWithToken('zabbix', 'bearer'),
    })
  })
})

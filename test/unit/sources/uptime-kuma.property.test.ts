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

/** What the key (the monitor's id) and the status (the heartbeat's) come from. */
const ESSENTIAL = ['heartbeat.status', 'monitor.id']

describe('uptime-kuma source under random input', () => {
  it('never lets an exception escape, never answers 5xx, enqueues nothing when it rejects', async () => {
    await assertBearerRouteUnderRandomInput({
      source: 'uptime-kuma',
      sample: readFixtureBytes('uptime-kuma', 'monitor-down.json'),
      shaped: fc
        .record({
          heartbeat: fc.option(fc.dictionary(fc.string(), fc.jsonValue())),
          monitor: fc.option(fc.dictionary(fc.string(), fc.jsonValue())),
          msg: fc.jsonValue(),
        })
        .map(jsonBytes),
      contentTypes: ['application/json', 'text/plain', 'multipart/form-data; boundary=x', ''],
    })
  })

  it('accepts a sample whatever type its non-essential fields hold, keeping key and status', async () => {
    await assertLenientBeyondEssentials({
      essential: ESSENTIAL,
      samples: parsedFixtures('uptime-kuma', ['monitor-down.json', 'monitor-up.json']),
      deliver: deliverWithToken('uptime-kuma', 'bearer'),
    })
  })
})

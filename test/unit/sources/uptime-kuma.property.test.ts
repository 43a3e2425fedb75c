import fc from 'fast-check'
import { describe, it } from 'vitest'
import { readFixtureBytes } from '../../support/sources/source-harness.js'
import {
  assertBearerRouteUnderRandomInput,
  jsonBytes,
} from '../../support/sources/source-properties.js'

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
})

import fc from 'fast-check'
import { describe, it } from 'vitest'
import { readFixtureBytes } from '../../support/sources/source-harness.js'
import {
  assertBearerRouteUnderRandomInput,
  jsonBytes,
} from '../../support/sources/source-properties.js'

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
})

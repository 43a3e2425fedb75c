import fc from 'fast-check'
import { describe, it } from 'vitest'
import { readFixtureBytes } from '../../support/sources/source-harness.js'
import {
  assertQueryTokenRouteUnderRandomInput,
  jsonBytes,
} from '../../support/sources/source-properties.js'

describe('azure-monitor source under random input', () => {
  it('never lets an exception escape, never answers 5xx, enqueues nothing when it rejects', async () => {
    await assertQueryTokenRouteUnderRandomInput({
      source: 'azure-monitor',
      sample: readFixtureBytes('azure-monitor', 'common-alert-log-v2-fired.json'),
      shaped: fc
        .record({
          schemaId: fc.constantFrom('azureMonitorCommonAlertSchema', 'AzureMonitorMetricAlert'),
          data: fc.record({ essentials: fc.dictionary(fc.string(), fc.jsonValue()) }),
        })
        .map(jsonBytes),
    })
  })
})

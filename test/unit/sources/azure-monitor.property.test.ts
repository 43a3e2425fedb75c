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

/** What the alert's key (alertId) and status (monitorCondition) come from, and the schema id. */
const ESSENTIAL = ['schemaId', 'data.essentials.alertId', 'data.essentials.monitorCondition']

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

  it('accepts a sample whatever type its non-essential fields hold, keeping key and status', async () => {
    await assertLenientBeyondEssentials({
      essential: ESSENTIAL,
      samples: parsedFixtures('azure-monitor', [
        'common-alert-log-v2-fired.json',
        'common-alert-metric-resolved.json',
      ]),
      deliver: deliverWithToken('azure-monitor', 'query'),
    })
  })
})

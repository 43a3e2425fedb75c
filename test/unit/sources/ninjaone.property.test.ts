import fc from 'fast-check'
import { describe, it } from 'vitest'
import { readFixture } from '../../support/sources/source-harness.js'
import {
  assertTokenRouteUnderRandomText,
  withOneCharReplaced,
} from '../../support/sources/source-properties.js'

const SAMPLE = readFixture('ninjaone', 'condition-triggered.json')

const mutatedSample = withOneCharReplaced(SAMPLE)

const id = fc.oneof(fc.integer(), fc.string(), fc.double(), fc.constant(null))
const activity = fc
  .record(
    {
      id,
      activityTime: fc.oneof(fc.double(), fc.integer(), fc.string()),
      deviceId: id,
      seriesUid: fc.string(),
      activityType: fc.oneof(fc.constantFrom('CONDITION', 'condition', 'SYSTEM'), fc.string()),
      statusCode: fc.oneof(fc.constantFrom('TRIGGERED', 'RESET', 'reset'), fc.string()),
      sourceConfigUid: fc.string({ maxLength: 300 }),
      sourceName: fc.string({ maxLength: 300 }),
      message: fc.oneof(fc.string(), fc.jsonValue()),
      severity: fc.oneof(fc.constantFrom('CRITICAL', 'MINOR', 'constructor'), fc.string()),
      device: fc.oneof(
        fc.jsonValue(),
        fc.record(
          {
            organizationId: id,
            displayName: fc.string({ maxLength: 400 }),
            systemName: fc.string({ maxLength: 400 }),
            references: fc.jsonValue(),
          },
          { requiredKeys: [] },
        ),
      ),
    },
    { requiredKeys: [] },
  )
  .map((value) => JSON.stringify(value))

describe('ninjaone source under random input', () => {
  it('never throws, never answers 5xx, and enqueues only what it accepted', async () => {
    await assertTokenRouteUnderRandomText({
      source: 'ninjaone',
      bodies: fc.oneof(fc.string(), fc.json(), mutatedSample, activity),
    })
  })
})

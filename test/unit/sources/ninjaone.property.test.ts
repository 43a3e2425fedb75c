import fc from 'fast-check'
import { describe, it } from 'vitest'
import {
  assertLenientBeyondEssentials,
  deliverWithToken,
} from '../../support/sources/lenience-properties.js'
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

/**
 * What the key (device, condition and target; else the series or the activity id), the status and
 * the event type come from.
 */
const ESSENTIAL = [
  'id',
  'deviceId',
  'sourceConfigUid',
  'sourceName',
  'seriesUid',
  'activityType',
  'statusCode',
]

describe('ninjaone source under random input', () => {
  it('never throws, never answers 5xx, and enqueues only what it accepted', async () => {
    await assertTokenRouteUnderRandomText({
      source: 'ninjaone',
      bodies: fc.oneof(fc.string(), fc.json(), mutatedSample, activity),
    })
  })

  it('accepts a sample whatever type its non-essential fields hold, keeping key and status', async () => {
    const triggered = JSON.parse(SAMPLE) as Record<string, unknown>
    await assertLenientBeyondEssentials({
      essential: ESSENTIAL,
      // No RESET sample is published; like the other NinjaOne tests, derive one from the trigger.
      samples: {
        'condition-triggered.json': triggered,
        reset: { ...triggered, statusCode: 'RESET', status: 'Reset' },
      },
      deliver: deliverWithToken('ninjaone', 'query'),
    })
  })
})

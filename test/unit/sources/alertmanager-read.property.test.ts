import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { PayloadError } from '../../../shared/errors.js'
import {
  ALERT_FIELDS,
  directAlertmanagerPayload,
  PAYLOAD_FIELDS,
  readAlertmanagerPayload,
} from '../../../shared/sources/alertmanager/read-payload.js'
import {
  AlertmanagerPayloadSchema,
  alertmanagerAlertObject,
  alertmanagerPayloadObject,
} from '../../../shared/sources/alertmanager/schema.js'

// directAlertmanagerPayload answers for AlertmanagerPayloadSchema on the hot path: whatever it
// answers must be exactly the schema's answer (same fields, same undefined-valued keys, same key
// order at every level), and it must never answer for a payload the schema refuses.

/** Mostly a value of the right kind, sometimes a near miss or anything at all. */
const mostly = <T>(valid: fc.Arbitrary<T>, ...others: fc.Arbitrary<unknown>[]) =>
  fc.oneof(
    { arbitrary: valid, weight: 15 },
    ...others.map((arbitrary) => ({ arbitrary, weight: 1 })),
  )

/** A key left out (`ABSENT`), present but undefined, or given. */
const ABSENT = Symbol('absent')
const optional = (value: fc.Arbitrary<unknown>) =>
  fc.oneof({ arbitrary: value, weight: 4 }, fc.constant(undefined), fc.constant(ABSENT))

const withoutAbsent = (fields: Record<string, unknown>) => {
  const built: Record<string, unknown> = {}
  for (const [name, value] of Object.entries(fields)) if (value !== ABSENT) built[name] = value
  return built
}

const textMap = mostly(
  fc.dictionary(fc.string({ maxLength: 10 }), fc.string({ maxLength: 10 })),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.oneof(fc.string(), fc.integer(), fc.boolean())),
  fc.constant(JSON.parse('{"__proto__":"x","a":"b"}')),
  fc.array(fc.string()),
  fc.anything(),
)

const text = mostly(fc.string({ maxLength: 20 }), fc.integer(), fc.boolean(), fc.anything())

const alert = fc
  .record({
    status: mostly(fc.constantFrom('firing', 'resolved'), fc.anything()),
    labels: textMap,
    annotations: optional(textMap),
    startsAt: optional(text),
    endsAt: optional(text),
    generatorURL: optional(text),
    fingerprint: optional(mostly(fc.string({ minLength: 1, maxLength: 16 }), fc.constant(''))),
    extra: optional(fc.jsonValue()),
    // An own __proto__ key, as JSON.parse makes it, is the schema's to read.
    ownProto: fc.constantFrom(false, false, false, true),
    // Fields in another order than the schema's: its answer puts its own fields first, in order.
    reversed: fc.constantFrom(false, false, true),
  })
  .map(({ ownProto, reversed, ...fields }) => {
    const present = withoutAbsent(fields)
    const ordered = reversed ? Object.fromEntries(Object.entries(present).reverse()) : present
    const json = JSON.stringify(ordered)
    return JSON.parse(ownProto ? json.replace('{', '{"__proto__":"x",') : json) as unknown
  })
  .chain((parsed) => mostly(fc.constant(parsed), fc.anything()))

const payload = fc
  .record({
    version: optional(text),
    groupKey: optional(text),
    receiver: optional(text),
    status: optional(mostly(fc.constantFrom('firing', 'resolved'), fc.anything())),
    externalURL: optional(text),
    truncatedAlerts: optional(mostly(fc.nat(), fc.integer(), fc.double(), fc.anything())),
    alerts: mostly(fc.array(alert, { maxLength: 3 }), fc.anything()),
    commonLabels: optional(fc.jsonValue()),
  })
  .map(withoutAbsent)

describe('directAlertmanagerPayload', () => {
  it('answers exactly what AlertmanagerPayloadSchema answers, and never for a payload it refuses', () => {
    let answered = 0
    fc.assert(
      fc.property(payload, (input) => {
        const direct = directAlertmanagerPayload(input)
        if (direct === undefined) return
        answered++
        const parsed = AlertmanagerPayloadSchema.safeParse(input)
        expect(parsed.success).toBe(true)
        expect(direct).toStrictEqual(parsed.data)
        expect(JSON.stringify(direct)).toBe(JSON.stringify(parsed.data))
        expect(Object.keys(direct)).toEqual(Object.keys(parsed.data ?? {}))
        direct.alerts.forEach((item, index) => {
          expect(Object.keys(item)).toEqual(Object.keys(parsed.data?.alerts[index] ?? {}))
        })
      }),
      { numRuns: 2_000 },
    )
    // Enough payloads are answered (rather than left to the schema) for the comparison to count.
    expect(answered).toBeGreaterThan(200)
  })

  it("names the schemas' fields, in their order, without loading them", () => {
    expect(ALERT_FIELDS).toEqual(Object.keys(alertmanagerAlertObject().shape))
    expect(PAYLOAD_FIELDS).toEqual(Object.keys(alertmanagerPayloadObject().shape))
  })

  it("answers a notification it leaves to the schema with the schema's answer or its issues", async () => {
    const unusual = { truncatedAlerts: -1, alerts: [{ status: 'firing', labels: { a: 'b' } }] }
    expect(directAlertmanagerPayload(unusual)).toBeUndefined()
    await expect(readAlertmanagerPayload(unusual)).resolves.toStrictEqual(
      AlertmanagerPayloadSchema.parse(unusual),
    )
    const refused = readAlertmanagerPayload({ alerts: [{ status: 'on fire', labels: {} }] })
    await expect(refused).rejects.toBeInstanceOf(PayloadError)
    await expect(refused).rejects.toMatchObject({ code: 'payload_invalid' })
  })
})

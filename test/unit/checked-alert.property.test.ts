import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { SEVERITIES } from '../../shared/alert.js'
import { AlertSchema } from '../../shared/alert-schema.js'
import { checkedAlert, isIsoInstant } from '../../shared/checked-alert.js'
import * as z from '../../shared/zod-mini.js'

// checkedAlert answers for AlertSchema on the hot path: whatever it answers must be exactly the
// schema's answer (same fields, same undefined-valued keys, same order), and it must never answer
// for a candidate the schema refuses.

/** Mostly a value of the right kind, sometimes a near miss or anything at all. */
const mostly = <T>(valid: fc.Arbitrary<T>, ...others: fc.Arbitrary<unknown>[]) =>
  fc.oneof(
    { arbitrary: valid, weight: 12 },
    ...others.map((arbitrary) => ({ arbitrary, weight: 1 })),
  )

const text = (min: number, max: number) =>
  mostly(
    fc.oneof(
      fc.string({ minLength: min, maxLength: Math.min(max, 40) }),
      fc.constant('x'.repeat(max)),
    ),
    fc.constant('x'.repeat(max + 1)),
    fc.constant(''),
    fc.anything(),
  )

/** A key left out (`ABSENT`), present but undefined, or given. */
const ABSENT = Symbol('absent')
const optional = (value: fc.Arbitrary<unknown>) =>
  fc.oneof(value, fc.constant(undefined), fc.constant(ABSENT))

const instant = mostly(
  fc.oneof(
    fc
      .date({ min: new Date(0), max: new Date(4e12), noInvalidDate: true })
      .map((d) => d.toISOString()),
    fc.constantFrom('2026-11-28T07:00:00Z', '2026-11-28T07:00:00+02:00'),
  ),
  fc.constantFrom('2026-11-28T07:00:00.123456+0200', '2026-11-28 07:00:00Z', '2026-11-28', 'now'),
  fc.anything(),
)

const labels = mostly(
  fc.dictionary(fc.string({ maxLength: 12 }), fc.string({ maxLength: 12 })),
  fc.dictionary(fc.string({ maxLength: 12 }), fc.oneof(fc.string(), fc.integer())),
  fc.constant(JSON.parse('{"__proto__":"x","a":"b"}')),
  fc.constant(Object.assign(Object.create(null), { a: 'b' })),
  fc.array(fc.string()),
  fc.anything(),
)

const tenant = mostly(
  fc.record(
    { id: fc.oneof(fc.string(), fc.constant(undefined)), name: fc.string() },
    { requiredKeys: [] },
  ),
  fc.record({ id: fc.string(), other: fc.string() }),
  fc.record({ id: fc.integer() }),
  fc.anything(),
)

const candidate = fc
  .record({
    key: text(1, 512),
    status: mostly(fc.constantFrom('firing', 'resolved'), fc.constant('ok'), fc.anything()),
    severity: mostly(fc.constantFrom(...SEVERITIES), fc.constant('warning'), fc.anything()),
    title: text(1, 500),
    description: optional(text(0, 100_000)),
    occurredAt: instant,
    url: optional(text(0, 2048)),
    resource: optional(text(0, 255)),
    tenant: optional(tenant),
    labels: optional(labels),
    extra: optional(fc.anything()),
  })
  .map((fields) => {
    // The schema tells a key left out from one present as undefined: so must the check.
    const built: Record<string, unknown> = {}
    for (const [name, value] of Object.entries(fields)) {
      if (value !== ABSENT) built[name] = value
    }
    return built
  })

describe('checkedAlert', () => {
  it('answers exactly what AlertSchema answers, and never for a candidate it refuses', () => {
    let answered = 0
    fc.assert(
      fc.property(candidate, (input) => {
        const checked = checkedAlert(input)
        const parsed = AlertSchema.safeParse(input)
        if (checked === undefined) return
        answered++
        expect(parsed.success).toBe(true)
        expect(checked).toStrictEqual(parsed.data)
        expect(Object.keys(checked)).toEqual(Object.keys(parsed.data ?? {}))
      }),
      { numRuns: 2_000 },
    )
    // Enough candidates are answered (rather than left to the schema) for the comparison to count.
    expect(answered).toBeGreaterThan(200)
  })

  it('answers for the alerts ingest makes every time', () => {
    const alert = {
      key: 'a1b2',
      status: 'firing',
      severity: 'high',
      title: 'CPU hot',
      description: 'CPU core temperature is 34.75C',
      occurredAt: '2026-11-28T07:00:00.000Z',
      url: 'http://prometheus/graph',
      resource: 'host-1:9100',
      tenant: { name: 'acme' },
      labels: { alertname: 'CpuHot', instance: 'host-1:9100' },
    }
    expect(checkedAlert(alert)).toStrictEqual(AlertSchema.parse(alert))
    const bare = {
      key: 'k',
      status: 'resolved',
      severity: 'info',
      title: 'T',
      occurredAt: alert.occurredAt,
    }
    expect(checkedAlert(bare)).toStrictEqual(AlertSchema.parse(bare))
  })

  it("reads an instant exactly as zod's `iso.datetime({ offset: true })` does", () => {
    const zodInstant = z.iso.datetime({ offset: true })
    const often = <T>(valid: fc.Arbitrary<T>, ...misses: fc.Arbitrary<T>[]) =>
      fc.oneof(
        { arbitrary: valid, weight: 8 },
        ...misses.map((arbitrary) => ({ arbitrary, weight: 1 })),
      )
    const digits = (length: number) =>
      fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: length, maxLength: length })
    // Near misses of every part: the calendar (29 February, 31 April), the clock, the fraction,
    // the offset, and the separators.
    const nearInstant = fc
      .tuple(
        often(fc.constantFrom('2026', '2000', '1900', '2024', '2100', '1600'), digits(4)),
        often(
          fc.constantFrom('01', '02', '04', '11', '12'),
          fc.constantFrom('13', '00'),
          digits(2),
        ),
        often(
          fc.constantFrom('01', '28', '29', '30', '31'),
          fc.constantFrom('00', '32'),
          digits(2),
        ),
        often(fc.constant('T'), fc.constantFrom('t', ' ')),
        often(fc.constantFrom('00', '07', '23'), fc.constantFrom('24'), digits(2)),
        often(fc.constantFrom('00', '59'), fc.constantFrom('60'), digits(2)),
        often(fc.constantFrom('00', '59'), fc.constantFrom('', ':60'), digits(2)),
        often(fc.constantFrom('', '.1', '.123', '.123456789'), fc.constantFrom('.', '.x')),
        often(
          fc.constantFrom('Z', '+02:00', '-23:59', '+00:00'),
          fc.constantFrom('z', '', '+24:00', '+0200', '+02', '-00:60'),
        ),
      )
      .map(([y, m, d, t, hh, mm, ss, fraction, zone]) => {
        const seconds = ss.startsWith(':') ? ss : ss ? `:${ss}` : ''
        return `${y}-${m}-${d}${t}${hh}:${mm}${seconds}${fraction}${zone}`
      })
    let accepted = 0
    fc.assert(
      fc.property(fc.oneof(nearInstant, fc.string(), fc.anything()), (value) => {
        const expected = zodInstant.safeParse(value).success
        if (expected) accepted++
        expect(isIsoInstant(value)).toBe(expected)
      }),
      { numRuns: 5_000 },
    )
    expect(accepted).toBeGreaterThan(100)
  })
})

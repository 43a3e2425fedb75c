import { describe, expect, it } from 'vitest'
import { compileConfig } from '../../../shared/config/compile-config.js'
import { PayloadError } from '../../../shared/errors.js'
import { finishAlert } from '../../../shared/ingest/finish-alert.js'

const routeWith = (alert: Record<string, unknown>) => {
  const { routes } = compileConfig({
    routes: {
      r: {
        source: 'generic',
        auth: { type: 'bearer' },
        alert: { key: '{% payload.id %}', title: '{% payload.t %}', ...alert },
      },
    },
  })
  const route = routes.get('r')
  if (!route) throw new Error('route missing')
  return route
}
const RECEIVED = '2026-11-28T07:00:00.000Z'
// finishAlert answers the alert itself when no JSONata ran: awaited here either way, so a sync
// failure reads as a rejection as well.
const finish = async (payload: unknown, alert: Record<string, unknown> = {}) =>
  finishAlert({ alert: {}, raw: payload }, routeWith(alert), RECEIVED)

describe('finishAlert', () => {
  it('fills defaults: firing, medium, occurredAt = receivedAt, no labels', async () => {
    expect(await finish({ id: 'k', t: 'T' })).toEqual({
      key: 'k',
      title: 'T',
      status: 'firing',
      severity: 'medium',
      description: '',
      occurredAt: RECEIVED,
      labels: {},
    })
  })

  it.each([
    ['resolved', 'resolved'],
    ['OK', 'resolved'],
    ['recovered', 'resolved'],
    ['Problem', 'firing'],
    ['alerting', 'firing'],
  ])('reads status word %s as %s', async (word, status) => {
    expect((await finish({ id: 'k', t: 'T', s: word }, { status: '{% payload.s %}' })).status).toBe(
      status,
    )
  })

  it.each([
    ['P1', 'critical'],
    ['error', 'high'],
    ['Warning', 'medium'],
    ['info', 'info'],
    ['whatever', 'medium'],
  ])('reads severity word %s as %s', async (word, severity) => {
    expect(
      (await finish({ id: 'k', t: 'T', v: word }, { severity: '{% payload.v %}' })).severity,
    ).toBe(severity)
  })

  it.each([
    [1_764_313_200, '2025-11-28T07:00:00.000Z'],
    [1_764_313_200_000, '2025-11-28T07:00:00.000Z'],
    ['2025-11-28T08:00:00+01:00', '2025-11-28T07:00:00.000Z'],
    ['2025-11-28 07:00:00', '2025-11-28T07:00:00.000Z'],
  ])('reads instant %s', async (value, iso) => {
    expect(
      (await finish({ id: 'k', t: 'T', at: value }, { occurredAt: '{% payload.at %}' })).occurredAt,
    ).toBe(iso)
  })

  it.each([
    ['text that is no date', 'soon'],
    ['a boolean', true],
    ['an object', { at: 1 }],
    ['a number past year 9999', 8.64e15],
  ])('falls back to receivedAt for an instant it cannot read: %s', async (_case, value) => {
    expect(
      (await finish({ id: 'k', t: 'T', at: value }, { occurredAt: '{% payload.at %}' })).occurredAt,
    ).toBe(RECEIVED)
  })

  it('titles an alert by its key when the title template finds nothing', async () => {
    expect((await finish({ id: 'k', t: null })).title).toBe('k')
  })

  it('turns numbers into string keys and hashes over-long keys to a stable bounded one', async () => {
    expect((await finish({ id: 42, t: 'T' })).key).toBe('42')
    const long = 'x'.repeat(1000)
    const first = await finish({ id: long, t: 'T' })
    expect(first.key).toMatch(/^sha256:[0-9a-f]{64}$/)
    expect((await finish({ id: long, t: 'T' })).key).toBe(first.key)
  })

  it('cuts over-long text instead of refusing the alert', async () => {
    const alert = await finish(
      { id: 'k', t: 'T'.repeat(600), d: 'd'.repeat(200_000), h: 'h'.repeat(300) },
      { description: '{% payload.d %}', resource: '{% payload.h %}' },
    )
    expect([alert.title.length, alert.description.length, alert.resource?.length]).toEqual([
      500, 100_000, 255,
    ])
  })

  it('collects tenant id and name and stringifies labels', async () => {
    const alert = await finish(
      { id: 'k', t: 'T', c: { id: 7, name: 'Acme' }, l: { port: 443, env: 'prod' } },
      {
        tenantId: '{% payload.c.id %}',
        tenantName: '{% payload.c.name %}',
        labels: '{% payload.l %}',
      },
    )
    expect(alert.tenant).toEqual({ id: '7', name: 'Acme' })
    expect(alert.labels).toEqual({ port: '443', env: 'prod' })
  })

  it('rejects a payload without a key with the field path', async () => {
    await expect(finish({ t: 'T' })).rejects.toSatisfy(
      (error) =>
        error instanceof PayloadError &&
        error.code === 'payload_invalid' &&
        error.issues.some((i) => i.startsWith('alert.key')),
    )
  })

  it('rejects a payload the templates cannot evaluate, as invalid payload', async () => {
    await expect(
      finish({ id: 'k', t: 'T', n: 'abc' }, { description: '{% $number(payload.n) %}' }),
    ).rejects.toSatisfy(
      (error) => error instanceof PayloadError && error.issues.join().includes('alert.description'),
    )
  })
})

import { describe, expect, it } from 'vitest'
import { dueAlertOf, timerAlertEnvelope } from '../../../shared/lifecycle/due.js'
import { dueEnvelope } from '../../../shared/timers/due-envelope.js'
import { correlationRecord } from '../../support/contracts/correlation-store-contract.js'

const timer = dueEnvelope(
  { route: 'alerts', key: 'disk-full', dueAt: '2026-01-01T00:00:00.000Z' },
  new Date('2026-01-01T00:00:30.000Z'),
)
const route = { name: 'alerts' } as Parameters<typeof dueAlertOf>[1]

describe('dueAlertOf', () => {
  it('is the alert the record keeps, under the timer’s identity, when no policy makes its own', async () => {
    const record = correlationRecord({
      key: 'disk-full',
      alert: { title: 'Disk full', labels: { alertname: 'DiskFull' } },
    })

    expect(await dueAlertOf(record, route, timer)).toEqual({
      v: 1,
      id: timer.id,
      route: 'alerts',
      source: 'timer',
      type: 'timer.due',
      receivedAt: '2026-01-01T00:00:30.000Z',
      alert: {
        key: 'disk-full',
        status: 'firing',
        severity: 'medium',
        title: 'Disk full',
        description: '',
        occurredAt: '2026-01-01T00:00:00.000Z',
        labels: { alertname: 'DiskFull' },
      },
      raw: {},
    })
  })

  it('is titled by the problem’s key where the route keeps no alert', async () => {
    const record = correlationRecord({ key: 'k'.repeat(512) })

    expect((await dueAlertOf(record, route, timer)).alert.title).toBe('k'.repeat(500))
  })
})

describe('timerAlertEnvelope', () => {
  it('fills the alert’s defaults and carries the policy’s own payload for templates', async () => {
    const envelope = await timerAlertEnvelope(
      timer,
      {
        key: 'disk-full',
        status: 'firing',
        severity: 'high',
        title: 'No heartbeat',
        occurredAt: '2026-01-01T00:00:00.000Z',
      },
      { last: 'ping' },
    )

    expect(envelope.alert).toMatchObject({ description: '', labels: {} })
    expect(envelope.raw).toEqual({ last: 'ping' })
  })
})

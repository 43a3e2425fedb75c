import { describe, expect, it } from 'vitest'
import { envelopeKey } from '../../../shared/envelope.js'
import { EnvelopeSchema } from '../../../shared/envelope-schema.js'
import { messageGroupId } from '../../../shared/queue/event-queue.js'
import { dueEnvelope } from '../../../shared/timers/due-envelope.js'

const due = { route: 'backups', key: 'nas01 nightly#1', dueAt: '2026-01-01T00:00:00.000Z' }

describe('dueEnvelope', () => {
  it('is a valid timer in its problem’s message group, naming the due time it was listed for', () => {
    const timer = dueEnvelope(due, new Date('2026-01-01T00:00:30.000Z'))

    expect(EnvelopeSchema.parse(timer)).toEqual(timer)
    expect(timer).toMatchObject({
      v: 3,
      route: 'backups',
      source: 'timer',
      type: 'timer.due',
      receivedAt: '2026-01-01T00:00:30.000Z',
      due: { key: 'nas01 nightly#1', at: '2026-01-01T00:00:00.000Z' },
    })
    expect(envelopeKey(timer)).toBe('nas01 nightly#1')
    expect(messageGroupId(timer)).toBe('backups:nas01 nightly#1')
  })

  it('has one id per route, key and due time, whenever it is listed', () => {
    const id = (overrides: Partial<typeof due>, listedAt = '2026-01-01T00:00:30.000Z') =>
      dueEnvelope({ ...due, ...overrides }, new Date(listedAt)).id

    expect(id({}, '2026-01-01T00:05:00.000Z')).toBe(id({}))
    const others = [
      id({ route: 'other' }),
      id({ key: 'nas02 nightly#1' }),
      id({ dueAt: '2026-01-01T00:00:00.001Z' }),
    ]
    expect(new Set([id({}), ...others]).size).toBe(4)
    expect(id({})).toMatch(/^due-[A-Za-z0-9_-]{43}$/)
  })
})

import { describe, expect, it } from 'vitest'
import type { DeliveryHistory, DeliveryRecord } from '../../../shared/delivery/delivery-history.js'

const entry = (envelopeId: string, overrides: Partial<DeliveryRecord> = {}): DeliveryRecord => ({
  envelopeId,
  route: 'alerts',
  key: `key-${envelopeId}`,
  outcome: 'delivered',
  at: '2026-11-28T12:00:00.000Z',
  action: 'create',
  ticketId: 7,
  receiveCount: 1,
  ...overrides,
})

/**
 * What every {@link DeliveryHistory} adapter must do, run once per adapter: each envelope's
 * latest outcome, newest first, filtered, the newest `maxEntries` kept.
 */
export const deliveryHistoryContract = (
  create: (options?: { maxEntries?: number }) => DeliveryHistory,
) => {
  describe('the delivery history contract', () => {
    it('lists the newest first, each envelope once with its latest outcome', async () => {
      const history = create()
      await history.record(entry('a', { outcome: 'deferred', reason: 'halo busy', code: 'x' }))
      await history.record(entry('b'))
      await history.record(entry('a', { outcome: 'delivered', receiveCount: 2 }))

      expect(await history.list()).toEqual([
        entry('a', { outcome: 'delivered', receiveCount: 2 }),
        entry('b'),
      ])
    })

    it('filters by route and by outcome, and stops at the limit', async () => {
      const history = create()
      await history.record(entry('a', { route: 'one' }))
      await history.record(entry('b', { route: 'two', outcome: 'parked', reason: 'unroutable' }))
      await history.record(entry('c', { route: 'one', outcome: 'parked', reason: 'bad field' }))
      await history.record(entry('d', { route: undefined, key: undefined }))

      expect((await history.list({ route: 'one' })).map((e) => e.envelopeId)).toEqual(['c', 'a'])
      expect((await history.list({ outcome: 'parked' })).map((e) => e.envelopeId)).toEqual([
        'c',
        'b',
      ])
      expect(
        (await history.list({ route: 'one', outcome: 'parked' })).map((e) => e.envelopeId),
      ).toEqual(['c'])
      expect((await history.list({ limit: 2 })).map((e) => e.envelopeId)).toEqual(['d', 'c'])
      expect(await history.list({ route: 'three' })).toEqual([])
    })

    it('lists at most 200 unless told otherwise', async () => {
      const history = create()
      for (let i = 0; i < 205; i++) await history.record(entry(`e${i}`))
      const listed = await history.list()
      expect(listed).toHaveLength(200)
      expect(listed[0]?.envelopeId).toBe('e204')
    })

    it('gives one envelope its latest outcome, and nothing for one it does not keep', async () => {
      const history = create()
      await history.record(entry('a', { outcome: 'deferred', reason: 'halo busy', code: 'x' }))
      await history.record(entry('a', { outcome: 'delivered', receiveCount: 2 }))

      expect(await history.get('a')).toEqual(entry('a', { outcome: 'delivered', receiveCount: 2 }))
      expect(await history.get('unknown')).toBeUndefined()
    })

    it('keeps the newest maxEntries envelopes and forgets the oldest', async () => {
      const history = create({ maxEntries: 3 })
      for (const id of ['a', 'b', 'c', 'd']) await history.record(entry(id))
      await history.record(entry('b', { outcome: 'recorded' }))
      await history.record(entry('e'))

      expect((await history.list()).map((e) => e.envelopeId)).toEqual(['e', 'b', 'd'])
    })
  })
}

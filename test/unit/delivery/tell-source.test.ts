import { describe, expect, it } from 'vitest'
import { compileConfig } from '../../../shared/config/compile-config.js'
import { tellSource } from '../../../shared/delivery/tell-source.js'
import { OutboundApiError } from '../../../shared/errors.js'
import type { CorrelationRecord } from '../../../shared/lifecycle/correlation-store.js'
import { MAX_KEPT_LABELS_CHARS } from '../../../shared/lifecycle/correlation-store.js'
import { keptAlertOf } from '../../../shared/lifecycle/effects.js'
import { createMemoryCorrelationStore } from '../../../shared/lifecycle/memory-correlation-store.js'
import { silentLogger } from '../../../shared/observability.js'
import type { ResolveAtSourceFn } from '../../../shared/outbound/resolve-at-source.js'

const { routes } = compileConfig({
  routes: {
    prometheus: {
      source: 'alertmanager',
      auth: { type: 'bearer' },
      resolveAtSource: { kind: 'alertmanager', url: 'http://alertmanager.test:9093' },
    },
    plain: { source: 'alertmanager', auth: { type: 'bearer' } },
  },
})

const DUTY = {
  changeId: 'halo-env-7',
  event: 'closed' as const,
  ticketId: 1001,
  at: '2026-06-01T11:29:59.000Z',
}

const closedRecord = (overrides: Partial<CorrelationRecord> = {}): CorrelationRecord => ({
  route: 'prometheus',
  key: 'fp-1',
  ticketId: 1001,
  state: 'closed',
  occurrences: 1,
  firstSeen: '2026-06-01T10:00:00.000Z',
  lastSeen: '2026-06-01T10:00:00.000Z',
  closedAt: DUTY.at,
  applied: ['halo-env-7'],
  alert: { title: 'Disk full', labels: { alertname: 'DiskFull', host: 'db01' } },
  sourceResolve: DUTY,
  version: 2,
  ...overrides,
})

/** A source that records what it was asked and answers `silenced` (or throws `failure`). */
const recordingSource = (failure?: Error) => {
  const calls: Parameters<ResolveAtSourceFn>[] = []
  const resolve: ResolveAtSourceFn = async (...args) => {
    calls.push(args)
    if (failure) throw failure
    return { target: 'alertmanager', reference: 'silence-1', outcome: 'silenced' }
  }
  return { calls, resolve }
}

const setup = async (record: CorrelationRecord, failure?: Error) => {
  const store = createMemoryCorrelationStore()
  await store.put(record, undefined)
  const stored = (await store.get(record.route, record.key)) as CorrelationRecord
  const source = recordingSource(failure)
  const deps = {
    store,
    resolveAtSource: source.resolve,
    logger: silentLogger,
    now: () => new Date('2026-06-01T12:00:00.000Z'),
  }
  return { store, stored, source, deps }
}

describe('tellSource', () => {
  it('tells the source with the kept alert and the Halo change, then records the answer', async () => {
    const { store, stored, source, deps } = await setup(closedRecord())

    const told = await tellSource(stored, routes.get('prometheus'), deps)

    expect(told).toEqual({
      kind: 'told',
      target: 'alertmanager',
      reference: 'silence-1',
      outcome: 'silenced',
    })
    expect(source.calls).toEqual([
      [
        { route: 'prometheus', config: routes.get('prometheus')?.resolveAtSource },
        { key: 'fp-1', title: 'Disk full', labels: { alertname: 'DiskFull', host: 'db01' } },
        { id: 1001, summary: 'Disk full' },
        { event: 'closed', id: 'halo-env-7', at: DUTY.at },
      ],
    ])
    expect((await store.get('prometheus', 'fp-1'))?.sourceResolve).toEqual({
      ...DUTY,
      toldAt: '2026-06-01T12:00:00.000Z',
      outcome: 'silenced',
      reference: 'silence-1',
    })
  })

  it('calls nothing once the source was told', async () => {
    const told = { ...DUTY, toldAt: '2026-06-01T11:30:00.000Z', outcome: 'silenced' }
    const { stored, source, deps } = await setup(closedRecord({ sourceResolve: told }))

    expect(await tellSource(stored, routes.get('prometheus'), deps)).toBeUndefined()
    expect(source.calls).toEqual([])
  })

  it('records the answer on the record as it is now when another write came between', async () => {
    const { store, stored, deps } = await setup(closedRecord())
    // A firing recorded while the call was out.
    await store.put({ ...stored, occurrences: 2, version: stored.version + 1 }, stored.version)

    await tellSource(stored, routes.get('prometheus'), deps)

    const after = await store.get('prometheus', 'fp-1')
    expect(after).toMatchObject({ occurrences: 2, sourceResolve: { outcome: 'silenced' } })
  })

  it('marks the duty in the state a Halo write of ours in flight will store, too', async () => {
    const { store, stored, deps } = await setup(closedRecord())
    const { version: _version, ...state } = stored
    const pending = {
      envelopeId: 'env-firing-2',
      command: { kind: 'createTicket' as const, ticket: { summary: 'Disk full' } },
      next: { ...state, state: 'open' as const, ticketId: undefined },
      at: '2026-06-01T11:59:00.000Z',
    }
    await store.put({ ...stored, pending, version: stored.version + 1 }, stored.version)

    await tellSource(stored, routes.get('prometheus'), deps)

    const after = await store.get('prometheus', 'fp-1')
    expect(after?.sourceResolve).toMatchObject({ outcome: 'silenced' })
    expect(after?.pending?.next.sourceResolve).toMatchObject({ outcome: 'silenced' })
  })

  it('leaves the duty untold when the call fails, for the retry', async () => {
    const refused = new OutboundApiError('alertmanager', 'POST /api/v2/silences', 503, 'busy')
    const { store, stored, deps } = await setup(closedRecord(), refused)

    await expect(tellSource(stored, routes.get('prometheus'), deps)).rejects.toBe(refused)
    expect((await store.get('prometheus', 'fp-1'))?.sourceResolve).toEqual(DUTY)
  })

  it('drops the duty without a call when the route no longer resolves at its source', async () => {
    const { store, stored, source, deps } = await setup(closedRecord())

    const told = await tellSource(stored, routes.get('plain'), deps)

    expect(told).toMatchObject({ kind: 'dropped' })
    expect(source.calls).toEqual([])
    expect((await store.get('prometheus', 'fp-1'))?.sourceResolve).toBeUndefined()
  })
})

describe('keptAlertOf', () => {
  it('keeps the labels whole, or none when they are too long to keep', () => {
    const labels = { alertname: 'DiskFull', host: 'db01' }
    const long = { alertname: 'DiskFull', blob: 'x'.repeat(MAX_KEPT_LABELS_CHARS) }

    expect(keptAlertOf({ title: 'Disk full', labels })).toEqual({ title: 'Disk full', labels })
    expect(keptAlertOf({ title: 'Disk full', labels: long })).toEqual({ title: 'Disk full' })
  })
})

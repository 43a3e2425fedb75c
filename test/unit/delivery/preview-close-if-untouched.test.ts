import { describe, expect, it } from 'vitest'
import config from '../../../halo-hooks.config.js'
import { compileConfig } from '../../../shared/config/compile-config.js'
import { previewDelivery } from '../../../shared/delivery/preview-delivery.js'
import { createMemoryCorrelationStore } from '../../../shared/lifecycle/memory-correlation-store.js'
import { envelopeFor } from '../../support/envelopes.js'

const NOW = new Date('2026-11-28T12:00:00Z')

const politeRoute = () => {
  const polite = structuredClone(config) as unknown as {
    routes: Record<string, { lifecycle?: Record<string, unknown> }>
  }
  const route = polite.routes['example-hmac']
  if (!route) throw new Error('the shipped config has no example-hmac route')
  route.lifecycle = { ...route.lifecycle, resolve: 'close-if-untouched' }
  const compiled = compileConfig(polite).routes.get('example-hmac')
  if (!compiled) throw new Error('example-hmac did not compile')
  return compiled
}

describe('previewDelivery under resolve: close-if-untouched', () => {
  it('names the reads it would make and shows the close and the note it could end in', async () => {
    const store = createMemoryCorrelationStore()
    await store.put(
      {
        route: 'example-hmac',
        key: 'disk-db01',
        state: 'open',
        ticketId: 41,
        occurrences: 1,
        firstSeen: '2026-11-28T07:00:00.000Z',
        lastSeen: '2026-11-28T07:00:00.000Z',
        checkedAt: '2026-11-28T11:59:00.000Z',
        applied: [],
        version: 1,
      },
      undefined,
    )

    const preview = await previewDelivery(envelopeFor({ status: 'resolved' }), politeRoute(), {
      store,
      now: () => NOW,
    })

    expect(preview).toMatchObject({
      decision: { kind: 'close', ticketId: 41 },
      calls: [{ method: 'POST', path: '/api/Actions', body: [{ ticket_id: 41, new_status: 9 }] }],
      workCheck: {
        reads: ['GET /api/Tickets/41', 'GET /api/Actions?ticket_id=41&excludesys=true'],
        ifWorked: {
          decision: { kind: 'resolveNote', ticketId: 41, workedBy: 'a technician' },
          calls: [{ method: 'POST', path: '/api/Actions', body: [{ ticket_id: 41 }] }],
        },
      },
    })
    const worked = 'workCheck' in preview ? preview.workCheck?.ifWorked.calls[0] : undefined
    expect(worked?.body[0]).not.toHaveProperty('new_status')
  })

  it('shows no work check for a firing event', async () => {
    const preview = await previewDelivery(envelopeFor(), politeRoute(), {
      store: createMemoryCorrelationStore(),
      now: () => NOW,
    })
    expect(preview).not.toHaveProperty('workCheck')
  })
})

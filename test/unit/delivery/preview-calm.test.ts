import { describe, expect, it } from 'vitest'
import { previewDelivery } from '../../../shared/delivery/preview-delivery.js'
import { createMemoryCorrelationStore } from '../../../shared/lifecycle/memory-correlation-store.js'
import { envelopeFor } from '../../support/envelopes.js'
import { routeWith } from '../../support/problem-run.js'

// Friday 26 March 2027, 19:00 GMT: out of London's hours until Monday 08:00 BST.
const NOW = new Date('2027-03-26T19:00:00.000Z')

describe('previewDelivery with business hours, flapping and quiet resolves', () => {
  it('explains where the alert stands and shows the deferral with its ticket', async () => {
    const route = routeWith({
      businessHours: {
        timezone: 'Europe/London',
        weekly: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '08:00', to: '18:00' }],
        outOfHours: 'defer',
      },
      ticket: { client_id: 1, priority_id: '{% alert.inBusinessHours ? 3 : 1 %}' },
      noise: { flapping: {} },
      lifecycle: { resolveAfterQuietMinutes: 15 },
    })
    const preview = await previewDelivery(envelopeFor({ severity: 'medium' }), route, {
      store: createMemoryCorrelationStore(),
      now: () => NOW,
    })

    expect(preview).toMatchObject({
      policies: {
        businessHours: {
          inBusinessHours: false,
          timezone: 'Europe/London',
          nextOpening: '2027-03-29T07:00:00.000Z',
          outOfHours: 'defer',
          deferredSeverity: true,
        },
        flapping: { changesWithinWindow: 0, flappingAt: 4, withinMinutes: 30 },
        quietResolve: { minutes: 15 },
      },
      decision: {
        kind: 'defer',
        until: '2027-03-29T07:00:00.000Z',
        ticket: { client_id: 1, priority_id: 3 },
      },
      calls: [],
      dueAtAfter: '2027-03-29T07:00:00.000Z',
    })
  })

  it('says nothing of these policies on a route without them', async () => {
    const preview = await previewDelivery(envelopeFor(), routeWith({}), {
      store: createMemoryCorrelationStore(),
      now: () => NOW,
    })
    expect(preview).not.toHaveProperty('policies')
  })
})

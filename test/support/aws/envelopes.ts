import type { AlertEnvelope } from '../../../shared/envelope.js'

/** A valid v1 envelope; override what the test is about. */
export const envelopeFor = (overrides: Partial<AlertEnvelope> = {}): AlertEnvelope => ({
  v: 1,
  id: 'env-1',
  route: 'example-hmac',
  source: 'generic',
  type: 'generic.alert',
  receivedAt: '2026-01-01T00:00:00.000Z',
  alert: {
    key: 'disk-full:web-1',
    status: 'firing',
    severity: 'high',
    title: 'Disk full on web-1',
    description: 'The root volume is at 98%',
    occurredAt: '2026-01-01T00:00:00.000Z',
    labels: {},
  },
  raw: { id: 'disk-full:web-1' },
  ...overrides,
})

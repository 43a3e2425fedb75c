import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { classifyFailure } from '../../../shared/delivery/failure-policy.js'
import { ConfigError } from '../../../shared/errors.js'
import { closed, ROUTE, rejectionOf, resolverFor } from '../../support/outbound/resolve-harness.js'
import {
  newSigningSecret,
  startStandardWebhooksReceiver,
} from '../../support/outbound/standard-webhooks-receiver.js'

let receiver: Awaited<ReturnType<typeof startStandardWebhooksReceiver>>
beforeEach(async () => {
  receiver = await startStandardWebhooksReceiver()
})
afterEach(() => receiver.close())

const ALERT = { key: 'order-sync-failed', labels: { env: 'prod' }, title: 'Order sync failed' }

const notifier = (signingSecret = receiver.secret) =>
  resolverFor({ kind: 'webhook', url: receiver.hookUrl }, { signingSecret })

describe('signed webhook notifier (Standard Webhooks receiver over HTTP)', () => {
  it('posts the ticket, the alert key and what happened, verified by the official library', async () => {
    const result = await notifier()(ALERT)

    const messages = receiver.messages()
    expect([...messages.keys()]).toEqual([result.reference])
    expect(result).toMatchObject({ target: 'webhook', outcome: 'notified' })
    expect(messages.get(result.reference)).toMatchObject({
      type: 'halo.ticket.closed',
      data: {
        ticket: { id: 1042, summary: 'Disk full on db01' },
        alert: { route: ROUTE, key: 'order-sync-failed', title: 'Order sync failed' },
        change: { event: 'closed', by: 'Sam Carter', id: 'halo-event-1' },
      },
    })
    expect(receiver.requests[0]?.headers['content-type']).toBe('application/json')
  })

  it('sends a retry with the same webhook-id, so the receiver keeps the change once', async () => {
    receiver.failNext({ status: 503 })
    const error = await rejectionOf(notifier()(ALERT))
    expect(error).toMatchObject({ code: 'outbound_request_failed', retryable: true })
    await notifier()(ALERT)
    await notifier()(ALERT)
    const ids = receiver.requests.map((request) => request.headers['webhook-id'])
    expect(new Set(ids).size).toBe(1)
    expect(receiver.messages().size).toBe(1)
    await notifier()(ALERT, closed('halo-event-2'))
    expect(receiver.messages().size).toBe(2)
  })

  it('waits as long as a 429 asks', async () => {
    receiver.failNext({ status: 429, headers: { 'retry-after': '5' } })
    expect(await rejectionOf(notifier()(ALERT))).toMatchObject({
      retryable: true,
      retryAfterMs: 5_000,
    })
  })

  it('parks a delivery the receiver refuses as unsigned for it (another secret)', async () => {
    const error = await rejectionOf(notifier(newSigningSecret())(ALERT))
    expect(error).toMatchObject({ code: 'outbound_credentials_refused', retryable: false })
    expect(classifyFailure(error, 1)).toMatchObject({ action: 'park' })
    expect(receiver.messages().size).toBe(0)
  })

  it('refuses a signing secret that is not whsec_ base64, naming the key only', async () => {
    const error = await rejectionOf(notifier('not-a-secret')(ALERT))
    expect(error).toBeInstanceOf(ConfigError)
    expect(error.message).toContain('resolveAtSource.monitoring.signingSecret')
    expect(error.message).not.toContain('not-a-secret')
    expect(receiver.requests).toEqual([])
  })
})

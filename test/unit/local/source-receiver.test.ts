import { Webhook } from 'standardwebhooks'
import { describe, expect, it } from 'vitest'
import { createSourceReceiver } from '../../../local/halo-sandbox/source-receiver.js'

const SECRET = `whsec_${Buffer.alloc(32, 7).toString('base64')}`
const SENT_AT = new Date()

const notification = JSON.stringify({
  type: 'halo.ticket.closed',
  timestamp: SENT_AT.toISOString(),
  data: {
    ticket: { id: 1042, summary: 'Disk full' },
    alert: { route: 'prometheus', key: 'fp-1', title: 'Disk full' },
    change: { event: 'closed', at: SENT_AT.toISOString(), by: 'Sam Carter', id: 'env-1' },
  },
})

/** A delivery signed as halo-hooks signs it, with the official library. */
const signed = (body: string, id = 'msg_1', secret = SECRET) => ({
  body,
  headers: {
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(SENT_AT.getTime() / 1000)),
    'webhook-signature': new Webhook(secret).sign(id, SENT_AT, body),
  },
})

const receiverWith = (secret: string | undefined) => {
  const receiver = createSourceReceiver({ now: () => Date.parse('2026-11-28T12:00:00Z') })
  receiver.configure(secret)
  return receiver
}

describe('createSourceReceiver', () => {
  it('keeps a verified notification with its ticket, route and alert key', () => {
    const receiver = receiverWith(SECRET)
    const { body, headers } = signed(notification)

    expect(receiver.receive(body, headers)).toBe(204)

    expect(receiver.received()).toEqual({
      receipts: [
        {
          webhookId: 'msg_1',
          type: 'halo.ticket.closed',
          ticketId: 1042,
          route: 'prometheus',
          alertKey: 'fp-1',
          by: 'Sam Carter',
          receivedAt: '2026-11-28T12:00:00.000Z',
          repeats: 0,
        },
      ],
      rejected: 0,
    })
  })

  it('keeps a repeated webhook-id once and counts the repeat', () => {
    const receiver = receiverWith(SECRET)
    const { body, headers } = signed(notification)

    receiver.receive(body, headers)
    expect(receiver.receive(body, headers)).toBe(204)

    expect(receiver.received().receipts.map(({ repeats }) => repeats)).toEqual([1])
  })

  it.each([
    ['a body changed after signing', () => ({ ...signed(notification), body: `${notification} ` })],
    [
      'another secret',
      () => signed(notification, 'msg_1', `whsec_${Buffer.alloc(32, 9).toString('base64')}`),
    ],
  ])('refuses %s with 401 and keeps nothing', (_, delivery) => {
    const receiver = receiverWith(SECRET)
    const { body, headers } = delivery()

    expect(receiver.receive(body, headers)).toBe(401)

    expect(receiver.received()).toEqual({ receipts: [], rejected: 1 })
  })

  it('refuses everything until it has a secret', () => {
    const receiver = receiverWith(undefined)
    const { body, headers } = signed(notification)

    expect(receiver.receive(body, headers)).toBe(401)

    expect(receiver.configured()).toBe(false)
    expect(receiver.received()).toEqual({ receipts: [], rejected: 1 })
  })
})

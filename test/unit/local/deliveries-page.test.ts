import { describe, expect, it } from 'vitest'
import { renderDeliveriesPage } from '../../../local/deliveries-page.js'
import type { DeliveryView } from '../../../local/delivery-view.js'

const HOSTILE = `<script>alert("x")</script>'&`
const ESCAPED = '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39;&amp;'

const delivery = (overrides: Partial<DeliveryView> = {}): DeliveryView => ({
  envelopeId: 'e1',
  route: 'prometheus',
  key: 'disk-db01',
  outcome: 'delivered',
  at: '2026-11-28T12:00:02.000Z',
  receiveCount: 1,
  ...overrides,
})

const page = (deliveries: DeliveryView[], query = {}) =>
  renderDeliveriesPage({ deliveries, query: { limit: 200, ...query }, routes: ['prometheus'] })

describe('the deliveries page', () => {
  it('escapes every value that came from a sender, a route, Halo or the query', () => {
    const html = renderDeliveriesPage({
      deliveries: [
        delivery({
          envelopeId: HOSTILE,
          route: HOSTILE,
          key: HOSTILE,
          reason: HOSTILE,
          code: HOSTILE,
          action: 'create',
          ticketId: 5,
          ticketUrl: `https://halo.example/ticket?id=5&x="${HOSTILE}`,
          outcome: 'parked',
          replayUrl: 'http://127.0.0.1:8787/deliveries/x/replay',
        }),
      ],
      query: { route: HOSTILE, outcome: 'parked', limit: 200 },
      routes: ['prometheus'],
      notice: `Envelope ${HOSTILE} was replayed`,
    })

    expect(html).not.toContain('<script>')
    expect(html).not.toContain(`"${HOSTILE}`)
    // key, route, reason, code, envelope id (twice), the route filter (option and hidden field), notice
    expect(html.split(ESCAPED).length - 1).toBeGreaterThanOrEqual(9)
    expect(html).toContain(
      `action="/deliveries/${encodeURIComponent(HOSTILE).replaceAll("'", '&#39;')}/replay"`,
    )
    expect(html).toContain('href="https://halo.example/ticket?id=5&amp;x=&quot;')
  })

  it('links a delivered envelope to its ticket and shows why one was deferred and until when', () => {
    const html = page([
      delivery({
        ticketId: 1001,
        ticketUrl: 'http://127.0.0.1:8787/halo/#ticket-1001',
        action: 'note',
      }),
      delivery({
        envelopeId: 'e2',
        outcome: 'deferred',
        code: 'halo_request_failed',
        reason: 'POST /Tickets -> 503',
        nextAttemptAt: '2026-11-28T12:01:02.000Z',
      }),
    ])
    expect(html).toContain('<a href="http://127.0.0.1:8787/halo/#ticket-1001">#1001</a>')
    expect(html).toContain('next attempt 2026-11-28 12:01:02 UTC')
    expect(html).toContain('<span class="action">note</span>')
  })

  it('shows the code once when the reason starts with it', () => {
    const html = page([
      delivery({ outcome: 'parked', code: 'unroutable', reason: 'unroutable: no Halo client' }),
    ])
    expect(html).toContain('<code>unroutable</code> <span class="reason">no Halo client</span>')
  })

  it('offers replay only for an envelope in the dead-letter list, in a POST form keeping the filters', () => {
    const html = page(
      [
        delivery({
          envelopeId: 'p1',
          outcome: 'parked',
          replayUrl: 'http://h/deliveries/p1/replay',
        }),
        delivery({ envelopeId: 'p2', outcome: 'parked', requeued: true }),
        delivery({ envelopeId: 'p3', outcome: 'parked' }),
      ],
      { outcome: 'parked' },
    )
    expect(html.match(/<form method="post"/g)).toHaveLength(1)
    expect(html).toContain(
      '<form method="post" action="/deliveries/p1/replay"><input type="hidden" name="outcome" value="parked"><button type="submit">Replay</button></form>',
    )
    expect(html).toContain('replayed: back in the queue')
  })

  it('filters with a GET form that works without scripts, keeping the current choice', () => {
    const html = page([], { route: 'gone-route', outcome: 'deferred' })
    expect(html).not.toContain('<script')
    expect(html).toContain('<form class="filters" method="get" action="/deliveries">')
    expect(html).toContain('<option value="deferred" selected>deferred</option>')
    // A route no longer configured, still in the query, stays selectable.
    expect(html).toContain('<option value="gone-route" selected>gone-route</option>')
    expect(html).toContain('No deliveries match these filters.')
    expect(html).toContain('href="/deliveries.json?route=gone-route&amp;outcome=deferred"')
  })

  it('says how to get a first delivery when there is none', () => {
    expect(page([])).toContain('No deliveries yet. Send an event (npm run send -- &lt;route&gt;)')
  })
})

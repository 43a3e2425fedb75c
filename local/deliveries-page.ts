import { DELIVERY_RECORD_OUTCOMES } from '../shared/delivery/delivery-history.js'
import {
  DEFAULT_LIMIT,
  type DeliveryQuery,
  type DeliveryView,
  OUTCOME_MEANING,
  searchOf,
} from './delivery-view.js'
import { escapeHtml } from './escape-html.js'

export type DeliveriesPageInput = {
  deliveries: readonly DeliveryView[]
  query: DeliveryQuery
  /** The configured routes, offered by the route filter. */
  routes: readonly string[]
  /** A line to show above the table (after a replay). */
  notice?: string
}

const COLOURS: Record<string, string> = {
  delivered: '#2e7d32',
  deduplicated: '#607d8b',
  suppressed: '#6d4c41',
  recorded: '#00838f',
  deferred: '#ef6c00',
  held: '#8d6e63',
  parked: '#c62828',
  failed: '#ad1457',
}

/** `2026-11-28T12:00:02.000Z` as `2026-11-28 12:00:02 UTC`. */
const when = (iso: string | undefined) =>
  iso ? `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC` : '—'

/** The current filters as hidden fields, so a replay comes back to the same view. */
const keepFilters = (query: DeliveryQuery) =>
  (['route', 'outcome'] as const)
    .map((name) =>
      query[name] ? `<input type="hidden" name="${name}" value="${escapeHtml(query[name])}">` : '',
    )
    .join('')

const option = (value: string, label: string, selected: boolean) =>
  `<option value="${escapeHtml(value)}"${selected ? ' selected' : ''}>${escapeHtml(label)}</option>`

/** A filter's select: "all" (an empty value, so the filter is left out) and one option each. */
const select = (
  name: string,
  label: string,
  all: string,
  values: readonly string[],
  chosen: string | undefined,
) => `
    <label>${label}
      <select name="${name}">
        ${option('', all, !chosen)}
        ${values.map((value) => option(value, value, value === chosen)).join('')}
      </select>
    </label>`

const filterForm = ({ query, routes }: DeliveriesPageInput) => {
  // A route no longer configured can still be in the history, and in the query.
  const names = query.route && !routes.includes(query.route) ? [...routes, query.route] : routes
  return `
  <form class="filters" method="get" action="/deliveries">
    ${select('route', 'Route', 'all routes', names, query.route)}
    ${select('outcome', 'Outcome', 'all outcomes', DELIVERY_RECORD_OUTCOMES, query.outcome)}
    ${query.limit === DEFAULT_LIMIT ? '' : `<input type="hidden" name="limit" value="${query.limit}">`}
    <button type="submit">Filter</button>
    <a href="/deliveries">clear</a>
  </form>`
}

/** The reason, without the code it starts with when the code is shown beside it. */
const withoutCode = ({ reason = '', code }: DeliveryView) =>
  code && reason.startsWith(`${code}: `) ? reason.slice(code.length + 2) : reason

const detail = (delivery: DeliveryView) => {
  const parts = [
    delivery.action ? `<span class="action">${escapeHtml(delivery.action)}</span>` : '',
    delivery.code ? `<code>${escapeHtml(delivery.code)}</code>` : '',
    delivery.reason ? `<span class="reason">${escapeHtml(withoutCode(delivery))}</span>` : '',
    delivery.nextAttemptAt
      ? `<span class="next">next attempt ${escapeHtml(when(delivery.nextAttemptAt))}</span>`
      : '',
  ]
  return parts.filter(Boolean).join(' ')
}

const replayCell = (delivery: DeliveryView, query: DeliveryQuery) => {
  if (delivery.replayUrl) {
    return `<form method="post" action="/deliveries/${escapeHtml(encodeURIComponent(delivery.envelopeId))}/replay">${keepFilters(query)}<button type="submit">Replay</button></form>`
  }
  return delivery.requeued ? '<span class="requeued">replayed: back in the queue</span>' : ''
}

const renderRow = (delivery: DeliveryView, query: DeliveryQuery) => `
    <tr class="delivery" data-outcome="${escapeHtml(delivery.outcome)}" data-envelope-id="${escapeHtml(delivery.envelopeId)}">
      <td class="when"><time datetime="${escapeHtml(delivery.at)}">${escapeHtml(when(delivery.at))}</time></td>
      <td><span class="outcome" style="background:${COLOURS[delivery.outcome] ?? '#888'}" title="${escapeHtml(OUTCOME_MEANING[delivery.outcome])}">${escapeHtml(delivery.outcome)}</span></td>
      <td>${escapeHtml(delivery.route)}</td>
      <td class="key">${escapeHtml(delivery.key)}</td>
      <td>${delivery.ticketId === undefined ? '' : delivery.ticketUrl ? `<a href="${escapeHtml(delivery.ticketUrl)}">#${escapeHtml(delivery.ticketId)}</a>` : `#${escapeHtml(delivery.ticketId)}`}</td>
      <td class="detail">${detail(delivery)}</td>
      <td class="receives">${escapeHtml(delivery.receiveCount)}</td>
      <td class="envelope"><code>${escapeHtml(delivery.envelopeId)}</code></td>
      <td>${replayCell(delivery, query)}</td>
    </tr>`

const filtered = (query: DeliveryQuery) => Boolean(query.route || query.outcome)

/**
 * The deliveries page: each envelope's latest outcome, newest first, filterable by route and
 * outcome with a plain GET form, each delivered one linked to its ticket and each parked one with
 * a replay button (a POST form). Server-rendered HTML without scripts; every value is escaped.
 */
export const renderDeliveriesPage = (input: DeliveriesPageInput): string => {
  const { deliveries, query } = input
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Deliveries — halo-hooks</title>
  <style>
    body { font: 14px/1.4 system-ui, sans-serif; margin: 2rem auto; max-width: 80rem; color: #222; padding: 0 1rem; }
    .filters { display: flex; gap: 1rem; align-items: end; margin: 1rem 0; flex-wrap: wrap; }
    .filters label { display: flex; flex-direction: column; color: #666; font-size: .8rem; }
    table { border-collapse: collapse; width: 100%; }
    th, td { text-align: left; padding: .35rem .5rem; border-bottom: 1px solid #eee; vertical-align: top; }
    th { color: #666; font-weight: normal; font-size: .8rem; }
    .outcome { color: #fff; border-radius: 3px; padding: 0 .4rem; font-size: .8rem; white-space: nowrap; }
    .key, .envelope code { word-break: break-all; }
    .envelope code { font-size: .75rem; color: #666; }
    .reason { white-space: pre-wrap; } .next, .requeued { color: #666; font-size: .8rem; }
    .action { font-weight: 600; } .when { white-space: nowrap; }
    [role=status] { background: #e8f5e9; border-left: 4px solid #2e7d32; padding: .5rem 1rem; }
    dl.legend { display: grid; grid-template-columns: max-content 1fr; gap: 0 1rem; }
    dl.legend dt { font-weight: 600; } dl.legend dd { margin: 0; color: #444; }
  </style>
</head>
<body>
  <h1>Deliveries</h1>
  <p>What became of each alert: every envelope's latest outcome, newest first (${deliveries.length} shown, at most ${query.limit}). Reload to update · <a href="${escapeHtml(`/deliveries.json${searchOf(query)}`)}">JSON</a></p>
  ${input.notice ? `<p role="status">${escapeHtml(input.notice)}</p>` : ''}
  ${filterForm(input)}
  ${
    deliveries.length === 0
      ? `<p class="empty">${filtered(query) ? 'No deliveries match these filters.' : 'No deliveries yet. Send an event (npm run send -- &lt;route&gt;) and it appears here.'}</p>`
      : `<table class="deliveries">
    <thead><tr><th>When</th><th>Outcome</th><th>Route</th><th>Key</th><th>Ticket</th><th>Detail</th><th>Receives</th><th>Envelope</th><th></th></tr></thead>
    <tbody>${deliveries.map((delivery) => renderRow(delivery, query)).join('')}
    </tbody>
  </table>`
  }
  <details>
    <summary>What the outcomes mean</summary>
    <dl class="legend">${DELIVERY_RECORD_OUTCOMES.map((outcome) => `<dt>${outcome}</dt><dd>${escapeHtml(OUTCOME_MEANING[outcome])}</dd>`).join('')}</dl>
  </details>
</body>
</html>`
}

/** A short page for a replay that could not be made, with the way back. */
export const renderReplayRefusedPage = (message: string, back: string): string => `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Replay — halo-hooks</title></head>
<body style="font: 14px/1.4 system-ui, sans-serif; margin: 2rem auto; max-width: 60rem">
  <h1>Not replayed</h1>
  <p>${escapeHtml(message)}</p>
  <p><a href="${escapeHtml(back)}">Back to the deliveries</a></p>
</body>
</html>`

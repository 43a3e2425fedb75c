import { escapeHtml } from '../escape-html.js'
import type { SandboxRecord } from './seed.js'
import type { SourceReceipt } from './source-receiver.js'

export type BoardTicket = SandboxRecord & { id: number; actions: SandboxRecord[] }

const field = (label: string, value: unknown) =>
  value === undefined || value === null || value === ''
    ? ''
    : `<dt>${escapeHtml(label)}</dt><dd>${escapeHtml(value)}</dd>`

const renderAction = (action: SandboxRecord) => `
      <li class="action">
        <span class="when">${escapeHtml(action.datetime)}</span>
        <strong>${escapeHtml(action.outcome)}</strong>
        ${action.new_status_name ? `<span class="status-change">→ ${escapeHtml(action.new_status_name)}</span>` : ''}
        ${action.hiddenfromuser ? '<span class="private">private</span>' : ''}
        <div class="note">${escapeHtml(action.note)}</div>
      </li>`

/** What a technician would do next in Halo's UI: close an open ticket, or reopen a closed one. */
const technicianButton = (ticket: BoardTicket) => {
  const [verb, label] = ticket.hasbeenclosed
    ? ['reopen', 'Reopen as technician']
    : ['close', 'Close as technician']
  return `<form method="post" action="sandbox/tickets/${escapeHtml(ticket.id)}/${verb}"><button>${label}</button></form>`
}

const renderTicket = (ticket: BoardTicket, colours: Map<string, string>) => {
  const colour = colours.get(String(ticket.status_id)) ?? '#888'
  return `
  <article class="ticket${ticket.hasbeenclosed ? ' closed' : ''}" id="ticket-${ticket.id}">
    <header>
      <span class="id">#${ticket.id}</span>
      <span class="status" style="background:${escapeHtml(colour)}">${escapeHtml(ticket.status_name ?? ticket.status_id)}</span>
      <h2>${escapeHtml(ticket.summary)}</h2>
    </header>
    <dl>
      ${field('Client', ticket.client_name)}
      ${field('Site', ticket.site_name)}
      ${field('User', ticket.user_name)}
      ${field('Type', ticket.tickettype_name ?? ticket.tickettype_id)}
      ${field('Priority', ticket.priority_id)}
      ${field('Team', ticket.team)}
      ${field('Agent', ticket.agent_name)}
      ${field('Category', ticket.category_1)}
      ${field('Third-party id', ticket.third_party_id_string)}
      ${field('Opened', ticket.dateoccurred)}
      ${field('Closed', ticket.dateclosed)}
    </dl>
    ${ticket.details ? `<pre class="details">${escapeHtml(ticket.details)}</pre>` : ''}
    ${technicianButton(ticket)}
    <ol class="actions">${ticket.actions.map(renderAction).join('')}</ol>
  </article>`
}

/** What the source receiver was told, newest first: the other end of a technician's close. */
const renderResolvedAtSource = (receipts: readonly SourceReceipt[]) => `
  <section class="source">
    <h2>Resolved at the source</h2>
    ${
      receipts.length === 0
        ? '<p class="empty">Nothing yet. Close a ticket as technician and halo-hooks tells the source here.</p>'
        : `<ul>${[...receipts]
            .reverse()
            .map(
              (receipt) =>
                `<li><span class="when">${escapeHtml(receipt.receivedAt)}</span> <strong>${escapeHtml(receipt.type)}</strong> ticket #${escapeHtml(receipt.ticketId)}: alert <code>${escapeHtml(receipt.alertKey)}</code> of route ${escapeHtml(receipt.route)}${receipt.repeats > 0 ? ` (repeated ${receipt.repeats}×, kept once)` : ''}</li>`,
            )
            .join('')}</ul>`
    }
    <p><a href="sandbox/source-receiver">source receiver (JSON)</a></p>
  </section>`

/**
 * The sandbox's ticket board: every ticket, newest first, with its status, client, key fields
 * and actions, and what the source receiver was told when it is on. Plain server-rendered HTML that refreshes itself; links are relative so the page
 * works wherever the sandbox is mounted.
 */
export const renderBoardPage = ({
  tickets,
  statuses,
  resolvedAtSource,
}: {
  tickets: BoardTicket[]
  statuses: SandboxRecord[]
  /** The source receiver's receipts, oldest first; no section when it is off. */
  resolvedAtSource?: readonly SourceReceipt[]
}): string => {
  const colours = new Map(statuses.map((s) => [String(s.id), String(s.colour ?? '#888')]))
  const open = tickets.filter((t) => !t.hasbeenclosed).length
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta http-equiv="refresh" content="5">
  <title>Halo sandbox — tickets</title>
  <style>
    body { font: 14px/1.4 system-ui, sans-serif; margin: 2rem auto; max-width: 60rem; color: #222; }
    .ticket { border: 1px solid #ddd; border-radius: 6px; padding: .75rem 1rem; margin: 1rem 0; }
    .ticket.closed { opacity: .6; }
    .ticket header { display: flex; gap: .5rem; align-items: baseline; }
    .ticket h2 { font-size: 1rem; margin: 0; }
    .status { color: #fff; border-radius: 3px; padding: 0 .4rem; font-size: .8rem; }
    dl { display: grid; grid-template-columns: max-content 1fr; gap: 0 1rem; margin: .5rem 0; }
    dt { color: #666; } dd { margin: 0; }
    .details { white-space: pre-wrap; background: #f7f7f7; padding: .5rem; }
    .actions { padding-left: 1.2rem; } .when { color: #666; font-size: .8rem; }
    .private { color: #a33; font-size: .8rem; } .note { white-space: pre-wrap; }
    .source { border-top: 1px solid #ddd; margin-top: 1rem; } .source h2 { font-size: 1.1rem; }
  </style>
</head>
<body>
  <h1>Halo sandbox</h1>
  <p>${tickets.length} tickets, ${open} open · <a href="sandbox/state">state (JSON)</a> · <a href="sandbox/requests">requests</a></p>
  ${resolvedAtSource ? renderResolvedAtSource(resolvedAtSource) : ''}
  ${tickets.length === 0 ? '<p class="empty">No tickets yet. Send an event and it appears here.</p>' : tickets.map((t) => renderTicket(t, colours)).join('')}
</body>
</html>`
}

import { transitionOutcomes } from '@hookline/core';
import { processingOutcomes } from '@hookline/db';
import type { z } from 'zod';
import type { EventFilterQuery } from '../routes/event-filter.js';
import type { eventSummary } from '../routes/schemas.js';
import { html, type SafeHtml } from './html.js';
import { entityHref, eventHref, layout, processingBadge, transitionBadge, when } from './layout.js';

export interface EventsView {
  /** The form's values as typed (a time without offset is read as UTC). */
  readonly form: Readonly<Record<string, string>>;
  readonly sources: readonly string[];
  readonly events: readonly z.infer<typeof eventSummary>[];
  /** The link to the next page, when there is one. */
  readonly nextHref: string | undefined;
  /** Why the search could not run, when it could not. */
  readonly problem: string | undefined;
}

function options(values: readonly string[], selected: string | undefined, any: string): SafeHtml {
  return html`<option value="">${any}</option>${values.map(
    (value) => html`<option value="${value}"${value === selected ? html` selected` : ''}>${value}</option>`,
  )}`;
}

function field(name: keyof EventFilterQuery, label: string, form: Readonly<Record<string, string>>, type = 'text'): SafeHtml {
  return html`<label>${label}<input type="${type}" name="${name}" value="${form[name] ?? ''}"${type === 'datetime-local' ? html` step="1"` : ''}></label>`;
}

/** `/ui/events`: the search form and one page of matching events, newest first. */
export function renderEventsPage(view: EventsView): string {
  const { form } = view;
  const rows = view.events.map(
    (event) => html`<tr>
<td class="mono">${when(event.receivedAt)}</td>
<td>${event.source}</td>
<td class="mono"><a href="${eventHref(event.source, event.eventId)}">${event.eventId}</a></td>
<td>${event.eventType ?? '—'}</td>
<td class="mono">${event.entityId === null ? '—' : html`<a href="${entityHref(event.source, event.entityId)}">${event.entityId}</a>`}</td>
<td>${event.status ?? '—'}</td>
<td>${transitionBadge(event.transition)}</td>
<td>${processingBadge(event)}</td>
<td>${event.attempts}</td>
</tr>`,
  );
  const body = html`<form class="search" method="get" action="/ui/events">
<label>Source<select name="source">${options(view.sources, form.source, 'any')}</select></label>
${field('type', 'Event type', form)}
${field('entity', 'Entity id', form)}
${field('status', 'Status', form)}
<label>Transition<select name="transition">${options(transitionOutcomes, form.transition, 'any')}</select></label>
<label>Outcome<select name="outcome">${options(processingOutcomes, form.outcome, 'any')}</select></label>
${field('since', 'Received from (UTC)', form, 'datetime-local')}
${field('until', 'Received before (UTC)', form, 'datetime-local')}
<button type="submit">Search</button>
<a href="/ui/events">clear</a>
</form>
${view.problem === undefined ? '' : html`<p class="notice error">${view.problem}</p>`}
<table>
<thead><tr><th>Received</th><th>Source</th><th>Event id</th><th>Type</th><th>Entity</th><th>Status</th><th>Transition</th><th>Processing</th><th>Attempts</th></tr></thead>
<tbody>${rows.length === 0 ? html`<tr><td colspan="9">No events match.</td></tr>` : rows}</tbody>
</table>
${view.nextHref === undefined ? '' : html`<p><a href="${view.nextHref}" rel="next">Older events →</a></p>`}`;
  return layout('Events', 'events', body);
}

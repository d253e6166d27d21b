import type { StatusRules } from '@hookline/core';
import type { EntityHistory } from '../routes/entities.js';
import type { TimelineItem } from './entity-timeline.js';
import { html, type SafeHtml } from './html.js';
import { eventHref, layout, transitionBadge, when } from './layout.js';

const STEP_X = 56;
const STEP_Y = 34;
const LEFT = 110;
const TOP = 20;

/**
 * The status over time as a step line: each point is one item of the timeline; filled points
 * moved the entity, hollow ones were offered and refused (red: the entity was already terminal).
 */
function statusChart(items: readonly TimelineItem[], rules: StatusRules | undefined): SafeHtml {
  const statuses = Object.entries(rules?.ranks ?? {}).sort(([, a], [, b]) => a - b);
  if (statuses.length === 0 || items.length === 0) return html``;
  const level = new Map(statuses.map(([status], index) => [status, index]));
  const x = (index: number) => LEFT + index * STEP_X;
  const y = (status: string) => TOP + (statuses.length - 1 - (level.get(status) ?? 0)) * STEP_Y;
  const width = x(items.length) + 10;
  const height = TOP + statuses.length * STEP_Y + 16;
  let path = '';
  let previous: string | undefined;
  items.forEach((item, index) => {
    if (item.after === undefined) return;
    if (previous === undefined) path += `M ${x(index)} ${y(item.after)}`;
    else path += ` H ${x(index)} V ${y(item.after)}`;
    previous = item.after;
  });
  if (previous !== undefined) path += ` H ${x(items.length) - STEP_X / 2}`;
  const points = items.map((item, index) => {
    const label = html`<text x="${x(index)}" y="${height - 4}" text-anchor="middle">#${index + 1}</text>`;
    if (item.status === null || !level.has(item.status)) return label;
    const cls = item.effect === 'moved' ? 'moved' : item.effect === 'terminal' ? 'refused' : 'offered';
    const title = `#${index + 1} ${item.kind === 'replay' ? 'replay of ' : ''}${item.eventId}: ${item.status} (${item.transition ?? 'not processed'})`;
    return html`${label}<circle class="${cls}" cx="${x(index)}" cy="${y(item.status)}" r="6"><title>${title}</title></circle>`;
  });
  return html`<svg class="chart" role="img" aria-label="Status over time" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}">
${statuses.map(
  ([status]) =>
    html`<line class="grid" x1="${LEFT - 10}" x2="${width}" y1="${y(status)}" y2="${y(status)}"></line><text x="${LEFT - 16}" y="${y(status) + 4}" text-anchor="end">${status}</text>`,
)}
<path class="step" d="${path}"></path>
${points}
</svg>`;
}

function describe(item: TimelineItem): string {
  const offered = item.status ?? 'no status';
  switch (item.effect) {
    case 'moved':
      return `moved the entity to ${offered}${item.terminal ? ' (terminal)' : ''}`;
    case 'stale':
      return `offered ${offered}: stale, the entity was already further along`;
    case 'terminal':
      return `offered ${offered}: refused, the entity was in a terminal status`;
    case 'pending':
      return item.kind === 'replay' ? 'replay queued, not run yet' : `offers ${offered}: not processed yet`;
    default:
      return `offered ${offered}: no change (${item.transition})`;
  }
}

/** `/ui/entities/:source/:entityId`: the current state, the status chart and the timeline. */
export function renderEntityPage(history: EntityHistory, items: readonly TimelineItem[], rules: StatusRules | undefined): string {
  const { state } = history;
  const body = html`<dl class="facts">
<dt>Source</dt><dd>${history.source}</dd>
<dt>Entity id</dt><dd class="mono">${history.entityId}</dd>
<dt>Status</dt><dd id="entity-status">${state === null ? 'none yet' : html`<strong>${state.status}</strong>${state.terminal ? ' (terminal)' : ''}`}</dd>
<dt>Set by event</dt><dd class="mono">${state === null ? '—' : html`<a href="${eventHref(history.source, state.lastEventId)}">${state.lastEventId}</a>`}</dd>
<dt>Updated</dt><dd class="mono">${state === null ? '—' : when(state.updatedAt)}</dd>
</dl>
<h2>Status over time</h2>
${statusChart(items, rules)}
<h2>Timeline</h2>
<ol class="timeline">${items.map(
    (item, index) => html`<li class="${item.effect} ${item.kind}">
<div class="when">#${index + 1} · ${when(item.at)}${item.kind === 'replay' ? html` · replay by ${item.actor ?? ''}` : ''}</div>
<div>${item.kind === 'replay' ? 'Replay of ' : ''}<a class="mono" href="${eventHref(history.source, item.eventId)}">${item.eventId}</a>${item.eventType === null ? '' : ` (${item.eventType})`} ${transitionBadge(item.transition)}</div>
<div>${describe(item)}</div>
</li>`,
  )}</ol>`;
  return layout(`Entity ${history.entityId}`, undefined, body);
}

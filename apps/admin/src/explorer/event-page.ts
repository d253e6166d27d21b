import type { EventDetail } from '../routes/event-detail.js';
import { html, type SafeHtml } from './html.js';
import { entityHref, layout, processingBadge, transitionBadge, when } from './layout.js';

/** The payload indented for reading; the raw body is shown apart, byte for byte. */
function prettyPayload(event: EventDetail['event']): string {
  if (event.pruned) return PRUNED;
  return event.payload === null || event.payload === undefined ? '(not stored)' : JSON.stringify(event.payload, null, 2);
}

const PRUNED = '(pruned: past its payload horizon, only the event row is kept)';

function replayControls(detail: EventDetail, readOnly: boolean): SafeHtml {
  if (readOnly) return html`<p class="notice">This admin is read-only: replays are disabled.</p>`;
  if (detail.event.pruned) return html`<p class="notice">Its body is gone (past the payload horizon): it cannot be replayed.</p>`;
  const { source, eventId } = detail.event;
  const url = `/api/events/${encodeURIComponent(source)}/${encodeURIComponent(eventId)}/replay`;
  return html`<div class="actions">
<input id="replay-reason" type="text" placeholder="Reason (kept in the audit trail)" size="40">
<button type="button" data-replay="${url}" data-reason="replay-reason" data-status="replay-status">Replay</button>
</div>
<p id="replay-status" class="notice" role="status" hidden></p>`;
}

function forwardsTable(detail: EventDetail): SafeHtml {
  if (detail.forwards.length === 0) return html`<p>No forwards.</p>`;
  return html`${detail.forwards.map(
    (forward) => html`<h3 class="mono">${forward.destination} — ${forward.state}</h3>
<p>Message id <span class="mono">${forward.messageId}</span>, ${forward.attempts} attempt(s), created ${when(forward.createdAt)}, finished ${when(forward.finishedAt)}</p>
<table>
<thead><tr><th>Attempt</th><th>Started</th><th>Outcome</th><th>HTTP status</th><th>Error</th><th>Duration</th></tr></thead>
<tbody>${forward.attemptLog.map(
      (attempt) => html`<tr><td>${attempt.attempt}</td><td class="mono">${when(attempt.startedAt)}</td>
<td>${attempt.outcome ?? 'cut short'}</td><td>${attempt.statusCode ?? '—'}</td><td>${attempt.error ?? ''}</td>
<td>${attempt.durationMs === null ? '—' : `${attempt.durationMs} ms`}</td></tr>`,
    )}</tbody>
</table>`,
  )}`;
}

/** `/ui/events/:source/:eventId`: everything stored about one event, and its replay button. */
export function renderEventPage(detail: EventDetail, readOnly: boolean): string {
  const { event } = detail;
  const body = html`<dl class="facts">
<dt>Source</dt><dd>${event.source}</dd>
<dt>Event id</dt><dd class="mono">${event.eventId}</dd>
<dt>Type</dt><dd>${event.eventType ?? '—'}</dd>
<dt>Entity</dt><dd class="mono">${event.entityId === null ? '—' : html`<a href="${entityHref(event.source, event.entityId)}">${event.entityId}</a>`}</dd>
<dt>Status carried</dt><dd>${event.status ?? '—'}</dd>
<dt>Transition</dt><dd>${transitionBadge(event.transition)}</dd>
<dt>Processing</dt><dd>${processingBadge(event)}</dd>
<dt>Received</dt><dd class="mono">${when(event.timings.receivedAt)}</dd>
<dt>Processed</dt><dd class="mono">${when(event.timings.processedAt)}${event.timings.receiptToCommitMs === null ? '' : ` (${event.timings.receiptToCommitMs} ms after receipt)`}</dd>
<dt>Attempts</dt><dd>${event.attempts}</dd>
<dt>Last error</dt><dd>${event.lastError ?? '—'}</dd>
</dl>
${replayControls(detail, readOnly)}
<h2>Replays</h2>
${
  detail.replays.length === 0
    ? html`<p>Never replayed.</p>`
    : html`<table><thead><tr><th>Asked</th><th>By</th><th>Reason</th><th>Job</th><th>Result</th><th>Ran</th></tr></thead>
<tbody>${detail.replays.map(
        (
          replay,
        ) => html`<tr class="replay"><td class="mono">${when(replay.at)}</td><td>${replay.actor}</td><td>${replay.reason ?? ''}</td>
<td class="mono">${replay.jobId ?? ''}</td><td>${transitionBadge(replay.result)}</td><td class="mono">${when(replay.completedAt)}</td></tr>`,
      )}</tbody></table>`
}
<h2>Forwards</h2>
${forwardsTable(detail)}
<h2>Headers</h2>
${
  event.headers === null
    ? html`<p>${PRUNED}</p>`
    : html`<table><tbody>${Object.entries(event.headers).map(([name, value]) => html`<tr><th class="mono">${name}</th><td class="mono">${value}</td></tr>`)}</tbody></table>`
}
<h2>Payload</h2>
<pre class="mono" id="payload">${prettyPayload(event)}</pre>
<h2>Raw body</h2>
<pre class="mono" id="raw-body">${event.rawBody ?? PRUNED}</pre>`;
  return layout(`Event ${event.eventId}`, 'events', body);
}

import type { FailedJobs } from '../routes/failed.js';
import { html } from './html.js';
import { entityHref, eventHref, layout, when } from './layout.js';

/** `/ui/failed`: the events queue's failed jobs with their reasons, and a retry button. */
export function renderFailedPage(failed: FailedJobs, readOnly: boolean): string {
  const rows = failed.jobs.map(
    (job) => html`<tr>
<td class="mono">${when(job.failedAt)}</td>
<td>${job.source ?? '—'}</td>
<td class="mono">${job.source === null || job.eventId === null ? (job.eventId ?? job.jobId) : html`<a href="${eventHref(job.source, job.eventId)}">${job.eventId}</a>`}${job.replay ? ' (replay)' : ''}</td>
<td class="mono">${job.source === null || job.entityId === null ? '—' : html`<a href="${entityHref(job.source, job.entityId)}">${job.entityId}</a>`}</td>
<td>${job.attemptsMade}</td>
<td>${job.failedReason}</td>
</tr>`,
  );
  const body = html`<p>${failed.total} failed job(s)${failed.total > failed.jobs.length ? `, the ${failed.jobs.length} most recent shown` : ''}. Events still failing their retries are under <a href="/ui/events?outcome=failing">Events › failing</a>; each job is in <a href="/queues/queue/events?status=failed">Bull Board</a>.</p>
${
  readOnly || failed.total === 0
    ? ''
    : html`<div class="actions"><button type="button" data-retry-failed="/api/failed/retry" data-status="retry-status">Retry all failed jobs</button></div>
<p id="retry-status" class="notice" role="status" hidden></p>`
}
<table>
<thead><tr><th>Failed</th><th>Source</th><th>Event</th><th>Entity</th><th>Attempts</th><th>Reason</th></tr></thead>
<tbody>${rows.length === 0 ? html`<tr><td colspan="6">No failed jobs.</td></tr>` : rows}</tbody>
</table>`;
  return layout('Failed jobs', 'failed', body);
}

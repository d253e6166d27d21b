import { listEvents } from '@hookline/db';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { readEntityHistory } from '../routes/entities.js';
import { readEventDetail } from '../routes/event-detail.js';
import { eventFilterQuery, toEventFilter } from '../routes/event-filter.js';
import { readFailedJobs } from '../routes/failed.js';
import { decodeCursor, encodeCursor, toSummary } from '../routes/schemas.js';
import type { AdminServices } from '../services.js';
import { SCRIPT, STYLESHEET } from './assets.js';
import { renderEntityPage } from './entity-page.js';
import { buildTimeline } from './entity-timeline.js';
import { renderEventPage } from './event-page.js';
import { renderEventsPage } from './events-page.js';
import { renderFailedPage } from './failed-page.js';
import { html } from './html.js';
import { layout } from './layout.js';

const PAGE_SIZE = 50;
const TIMELINE_EVENTS = 200;
const FAILED_SHOWN = 200;
const FORM_FIELDS = ['source', 'type', 'entity', 'status', 'transition', 'outcome', 'since', 'until'] as const;

/** The search form's filled fields: empty ones are no filter, repeated ones count once. */
function searchForm(query: Record<string, unknown>): Record<string, string> {
  const form: Record<string, string> = {};
  for (const name of FORM_FIELDS) {
    const raw = query[name];
    const value = (Array.isArray(raw) ? raw[0] : raw) as unknown;
    if (typeof value === 'string' && value.trim() !== '') form[name] = value.trim();
  }
  return form;
}

/** A browser's `datetime-local` value (no seconds, no offset) as the ISO 8601 instant it means in UTC. */
export function utcInstant(value: string): string {
  const withSeconds = /T\d\d:\d\d$/.test(value) ? `${value}:00` : value;
  return /(Z|[+-]\d\d:\d\d)$/i.test(withSeconds) ? withSeconds : `${withSeconds}Z`;
}

function sendPage(reply: FastifyReply, page: string, statusCode = 200) {
  return reply.status(statusCode).type('text/html; charset=utf-8').send(page);
}

function notFound(reply: FastifyReply, message: string) {
  return sendPage(reply, layout('Not found', undefined, html`<p class="notice error">${message}</p>`), 404);
}

/**
 * The events explorer: server-rendered pages under `/ui`, behind the admin's auth like every
 * route. They read through the same functions as the JSON API and change nothing themselves:
 * their buttons call the JSON API; a read-only admin or a viewer token gets no buttons.
 */
export const explorerRoutes: FastifyPluginAsync<AdminServices> = async (app, services) => {
  const hidden = { schema: { hide: true } };
  const sources = [...services.rules.keys()].sort();

  app.get('/ui', hidden, (_request, reply) => reply.redirect('/ui/events'));
  app.get('/ui/assets/explorer.css', hidden, (_request, reply) => reply.type('text/css; charset=utf-8').send(STYLESHEET));
  app.get('/ui/assets/explorer.js', hidden, (_request, reply) => reply.type('text/javascript; charset=utf-8').send(SCRIPT));

  app.get('/ui/events', hidden, async (request, reply) => {
    const query = request.query as Record<string, unknown>;
    const form = searchForm(query);
    const parsed = eventFilterQuery.safeParse({
      ...form,
      ...(form.since !== undefined && { since: utcInstant(form.since) }),
      ...(form.until !== undefined && { until: utcInstant(form.until) }),
    });
    const view = { form, sources, events: [], nextHref: undefined };
    if (!parsed.success) {
      const problem = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
      return sendPage(reply, renderEventsPage({ ...view, problem }), 400);
    }
    let beforeId: number | undefined;
    try {
      beforeId = typeof query.cursor === 'string' ? decodeCursor(query.cursor) : undefined;
    } catch (error) {
      return sendPage(reply, renderEventsPage({ ...view, problem: (error as Error).message }), 400);
    }
    const { events, hasMore } = await listEvents(services.db, toEventFilter(parsed.data), {
      limit: PAGE_SIZE,
      ...(beforeId !== undefined && { beforeId }),
    });
    const last = events.at(-1);
    const nextHref =
      hasMore && last ? `/ui/events?${new URLSearchParams({ ...form, cursor: encodeCursor(last.id) })}` : undefined;
    return sendPage(reply, renderEventsPage({ ...view, events: events.map(toSummary), nextHref, problem: undefined }));
  });

  app.get<{ Params: { source: string; eventId: string } }>('/ui/events/:source/:eventId', hidden, async (request, reply) => {
    const { source, eventId } = request.params;
    const detail = await readEventDetail(services.db, source, eventId);
    if (detail === undefined) return notFound(reply, `No event "${eventId}" from source "${source}".`);
    return sendPage(reply, renderEventPage(detail, services.readOnly || request.viewer));
  });

  app.get<{ Params: { source: string; entityId: string } }>('/ui/entities/:source/:entityId', hidden, async (request, reply) => {
    const { source, entityId } = request.params;
    const history = await readEntityHistory(services.db, source, entityId, TIMELINE_EVENTS);
    if (history === undefined) return notFound(reply, `No entity "${entityId}" in source "${source}".`);
    const rules = services.rules.get(source);
    return sendPage(reply, renderEntityPage(history, buildTimeline(history, rules), rules));
  });

  app.get('/ui/failed', hidden, async (request, reply) =>
    sendPage(reply, renderFailedPage(await readFailedJobs(services.queue, FAILED_SHOWN), services.readOnly || request.viewer)),
  );
};

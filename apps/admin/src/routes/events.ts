import { HttpError, type IncomingEvent, payloadText } from '@hookline/core';
import { findEvent, listEvents, recordOperatorAction, removeReplayAction, type WebhookEventRow } from '@hookline/db';
import { enqueueReplay, QueueUnavailableError, replayJobId } from '@hookline/queue';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AdminServices } from '../services.js';
import { eventDetail, readEventDetail } from './event-detail.js';
import { eventFilterQuery, toEventFilter } from './event-filter.js';
import { assertWritable, decodeCursor, encodeCursor, errorBody, eventSummary, toSummary } from './schemas.js';

const listQuery = eventFilterQuery.extend({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().min(1).optional().describe('nextCursor of the previous page'),
});

const eventParams = z.strictObject({ source: z.string().min(1), eventId: z.string().min(1) });

/**
 * The job the ingester would have enqueued for a stored event. A form-encoded body's payload
 * is derived again from its stored bytes and content type, as at the edge, so the worker can
 * store it if the event had never been stored.
 */
function replayableEvent(row: WebhookEventRow): IncomingEvent {
  if (row.rawBody === null || row.headers === null) {
    throw new HttpError(
      409,
      'event_pruned',
      `event "${row.eventId}" from source "${row.source}" is past its payload horizon: its body is gone, so it cannot be replayed`,
    );
  }
  const stored = { rawBody: row.rawBody, headers: row.headers };
  const text = payloadText(stored);
  const payloadJson = text === stored.rawBody ? undefined : text;
  return {
    source: row.source,
    eventId: row.eventId,
    eventType: row.eventType,
    entityId: row.entityId,
    status: row.status,
    rawBody: row.rawBody,
    ...(payloadJson !== undefined && { payloadJson }),
    headers: row.headers,
    receivedAt: row.receivedAt.getTime(),
  };
}

/** `/api/events`: search, one event in full, replay. */
export const eventRoutes: FastifyPluginAsyncZod<AdminServices> = async (app, services) => {
  app.get(
    '/api/events',
    {
      schema: {
        summary: 'Search events, newest first, one keyset page at a time',
        querystring: listQuery,
        response: { 200: z.object({ events: z.array(eventSummary), nextCursor: z.string().nullable() }), 400: errorBody },
      },
    },
    async (request) => {
      const query = request.query;
      const { events, hasMore } = await listEvents(services.db, toEventFilter(query), {
        limit: query.limit,
        ...(query.cursor !== undefined && { beforeId: decodeCursor(query.cursor) }),
      });
      const last = events.at(-1);
      return { events: events.map(toSummary), nextCursor: hasMore && last ? encodeCursor(last.id) : null };
    },
  );

  app.get(
    '/api/events/:source/:eventId',
    {
      schema: {
        summary: 'One event: payload, raw body, headers, transition, timings, its replays and its forwards',
        params: eventParams,
        response: { 200: eventDetail, 404: errorBody },
      },
    },
    async (request) => {
      const { source, eventId } = request.params;
      const detail = await readEventDetail(services.db, source, eventId);
      if (detail === undefined) throw new HttpError(404, 'event_not_found', `no event "${eventId}" from source "${source}"`);
      return detail;
    },
  );

  app.post(
    '/api/events/:source/:eventId/replay',
    {
      schema: {
        summary: 'Run a stored event through the worker again, on purpose, as a new job',
        description:
          'The worker re-runs the event even though it was processed; forward-only rules still apply. ' +
          'The outcome is recorded on the replay (see GET /api/events/{source}/{eventId}).',
        params: eventParams,
        body: z.strictObject({ reason: z.string().max(1000).optional() }).nullish(),
        response: {
          202: z.object({ status: z.literal('queued'), jobId: z.string() }),
          403: errorBody,
          404: errorBody,
          409: errorBody.describe('event_pruned: its body is past the payload horizon'),
        },
      },
    },
    async (request, reply) => {
      assertWritable(services.readOnly);
      const { source, eventId } = request.params;
      const row = await findEvent(services.db, source, eventId);
      if (row === undefined) throw new HttpError(404, 'event_not_found', `no event "${eventId}" from source "${source}"`);
      const event = replayableEvent(row);
      // The audit row exists before the job does: the worker records the outcome on it.
      const jobId = replayJobId(source);
      await recordOperatorAction(services.db, {
        actor: request.operator,
        action: 'replay',
        source,
        eventId,
        entityId: row.entityId,
        reason: request.body?.reason ?? null,
        jobId,
      });
      try {
        await enqueueReplay(services.queue, event, jobId);
      } catch (error) {
        await removeReplayAction(services.db, jobId);
        throw new QueueUnavailableError(`replay not queued: ${(error as Error).message}`, { cause: error });
      }
      request.log.info({ operator: request.operator, source, eventId, jobId }, 'replay queued');
      return reply.status(202).send({ status: 'queued' as const, jobId });
    },
  );
};

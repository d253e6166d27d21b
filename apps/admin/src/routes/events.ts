import { displayUrl, HttpError, type IncomingEvent, payloadText, transitionOutcomes } from '@hookline/core';
import {
  type ForwardWithAttempts,
  findEvent,
  listEventActions,
  listEvents,
  listForwards,
  recordOperatorAction,
  removeReplayAction,
  type WebhookEventRow,
} from '@hookline/db';
import { enqueueReplay, QueueUnavailableError, replayJobId } from '@hookline/queue';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AdminServices } from '../services.js';
import { assertWritable, decodeCursor, encodeCursor, errorBody, eventSummary, toSummary } from './schemas.js';

const listQuery = z.strictObject({
  source: z.string().min(1).optional(),
  type: z.string().min(1).optional().describe('Event type'),
  entity: z.string().min(1).optional().describe('Entity id'),
  transition: z.enum(transitionOutcomes).optional(),
  since: z.iso.datetime({ offset: true }).optional().describe('Received at or after (ISO 8601)'),
  until: z.iso.datetime({ offset: true }).optional().describe('Received before (ISO 8601)'),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().min(1).optional().describe('nextCursor of the previous page'),
});

const eventParams = z.strictObject({ source: z.string().min(1), eventId: z.string().min(1) });

const replayAction = z.object({
  at: z.string(),
  actor: z.string(),
  reason: z.string().nullable(),
  jobId: z.string().nullable(),
  result: z.string().nullable().describe('The transition the re-run produced; null until the worker ran it'),
  completedAt: z.string().nullable(),
});

const forward = z.object({
  destination: z.string().describe('The destination URL without user name, password or query values'),
  messageId: z.string().describe('The webhook-id the destination sees, the same on every attempt'),
  state: z.enum(['pending', 'delivered', 'failed']),
  attempts: z.number(),
  lastStatusCode: z.number().nullable(),
  lastError: z.string().nullable(),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
  attemptLog: z.array(
    z.object({
      attempt: z.number(),
      startedAt: z.string(),
      outcome: z.string().nullable().describe('delivered, retry, rejected or failed; null when the sender died mid-attempt'),
      statusCode: z.number().nullable(),
      error: z.string().nullable(),
      durationMs: z.number().nullable(),
    }),
  ),
});

function toForward(row: ForwardWithAttempts): z.infer<typeof forward> {
  return {
    // Configured URLs may hold credentials (`https://user:pass@…`, `?token=`): never shown.
    destination: displayUrl(row.destination),
    messageId: row.messageId,
    state: row.state as z.infer<typeof forward>['state'],
    attempts: row.attempts,
    lastStatusCode: row.lastStatusCode,
    lastError: row.lastError,
    createdAt: row.createdAt.toISOString(),
    finishedAt: row.finishedAt?.toISOString() ?? null,
    attemptLog: row.attemptLog.map((attempt) => ({
      attempt: attempt.attempt,
      startedAt: attempt.startedAt.toISOString(),
      outcome: attempt.outcome,
      statusCode: attempt.statusCode,
      error: attempt.error,
      durationMs: attempt.durationMs,
    })),
  };
}

const eventDetail = z.object({
  event: eventSummary.extend({
    payload: z.unknown().describe('The body as stored (jsonb); null while it could not be stored, and once pruned'),
    rawBody: z.string().nullable().describe('The body byte-exact as received; null once pruned'),
    headers: z
      .record(z.string(), z.string())
      .nullable()
      .describe('Request headers, signature and credential headers removed; null once pruned'),
    timings: z.object({
      receivedAt: z.string(),
      processedAt: z.string().nullable(),
      receiptToCommitMs: z.number().nullable(),
    }),
  }),
  replays: z.array(replayAction),
  forwards: z.array(forward).describe('Its forwards, one per destination, with every attempt'),
});

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
      const { events, hasMore } = await listEvents(
        services.db,
        {
          ...(query.source !== undefined && { source: query.source }),
          ...(query.type !== undefined && { eventType: query.type }),
          ...(query.entity !== undefined && { entityId: query.entity }),
          ...(query.transition !== undefined && { transition: query.transition }),
          ...(query.since !== undefined && { since: new Date(query.since) }),
          ...(query.until !== undefined && { until: new Date(query.until) }),
        },
        { limit: query.limit, ...(query.cursor !== undefined && { beforeId: decodeCursor(query.cursor) }) },
      );
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
      const row = await findEvent(services.db, source, eventId);
      if (row === undefined) throw new HttpError(404, 'event_not_found', `no event "${eventId}" from source "${source}"`);
      const [actions, forwards] = await Promise.all([
        listEventActions(services.db, source, eventId),
        listForwards(services.db, { source, eventId }),
      ]);
      return {
        event: {
          ...toSummary(row),
          payload: row.payload,
          rawBody: row.rawBody,
          headers: row.headers,
          timings: {
            receivedAt: row.receivedAt.toISOString(),
            processedAt: row.processedAt?.toISOString() ?? null,
            receiptToCommitMs: row.processedAt ? row.processedAt.getTime() - row.receivedAt.getTime() : null,
          },
        },
        replays: actions
          .filter((action) => action.action === 'replay')
          .map((action) => ({
            at: action.at.toISOString(),
            actor: action.actor,
            reason: action.reason,
            jobId: action.jobId,
            result: action.result,
            completedAt: action.completedAt?.toISOString() ?? null,
          })),
        forwards: forwards.map(toForward),
      };
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

import { HttpError, rankStatus } from '@hookline/core';
import { type Database, findEntity, listEntityReplays, overrideEntityStatus } from '@hookline/db';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AdminServices } from '../services.js';
import { replayAction, toReplay } from './event-detail.js';
import { assertWritable, errorBody, eventSummary, toSummary } from './schemas.js';

const entityParams = z.strictObject({ source: z.string().min(1), entityId: z.string().min(1) });

const entityState = z.object({
  status: z.string(),
  rank: z.number().int(),
  terminal: z.boolean(),
  lastEventId: z.string(),
  updatedAt: z.string(),
});

const entityHistory = z.object({
  source: z.string(),
  entityId: z.string(),
  state: entityState.nullable(),
  events: z.array(eventSummary),
  replays: z
    .array(replayAction.extend({ eventId: z.string() }))
    .describe("Operators' replays of its events, oldest first, with the transition each produced"),
});

export type EntityHistory = z.infer<typeof entityHistory>;

/** An entity's state, its latest `limit` events and the replays of them; undefined when nothing is known of it. */
export async function readEntityHistory(
  db: Database,
  source: string,
  entityId: string,
  limit: number,
): Promise<EntityHistory | undefined> {
  const [{ state, events }, replays] = await Promise.all([
    findEntity(db, source, entityId, limit),
    listEntityReplays(db, source, entityId),
  ]);
  if (state === undefined && events.length === 0) return undefined;
  return {
    source,
    entityId,
    state: state
      ? {
          status: state.status,
          rank: state.statusRank,
          terminal: state.terminal,
          lastEventId: state.lastEventId,
          updatedAt: state.updatedAt.toISOString(),
        }
      : null,
    events: events.map(toSummary),
    replays: replays.map((action) => ({ ...toReplay(action), eventId: action.eventId ?? '' })),
  };
}

/** `/api/entities`: an entity's state and history, and the operator override. */
export const entityRoutes: FastifyPluginAsyncZod<AdminServices> = async (app, services) => {
  app.get(
    '/api/entities/:source/:entityId',
    {
      schema: {
        summary: "An entity's current state and its event history, oldest first",
        params: entityParams,
        querystring: z.strictObject({
          limit: z.coerce.number().int().min(1).max(1000).default(200).describe('Most recent events returned'),
        }),
        response: {
          200: entityHistory,
          404: errorBody,
        },
      },
    },
    async (request) => {
      const { source, entityId } = request.params;
      const history = await readEntityHistory(services.db, source, entityId, request.query.limit);
      if (history === undefined) throw new HttpError(404, 'entity_not_found', `no entity "${entityId}" in source "${source}"`);
      return history;
    },
  );

  app.post(
    '/api/entities/:source/:entityId/status',
    {
      schema: {
        summary: "Override an entity's status (operator action, audited)",
        description:
          'Sets the status even backwards or out of a terminal status. Recorded as an event with transition ' +
          '`override` in the entity history, and in the audit trail with who (the token name) and why.',
        params: entityParams,
        body: z.strictObject({
          status: z.string().min(1).describe("One of the source's ranked statuses"),
          reason: z.string().trim().min(1).max(1000).describe('Why: kept in the audit trail'),
        }),
        response: {
          200: z.object({
            source: z.string(),
            entityId: z.string(),
            status: z.string(),
            previous: z.string().nullable(),
            eventId: z.string().describe('The id of the override event'),
          }),
          400: errorBody,
          403: errorBody,
          404: errorBody,
        },
      },
    },
    async (request) => {
      assertWritable(services.readOnly);
      const { source, entityId } = request.params;
      if (!services.rules.has(source)) throw new HttpError(404, 'unknown_source', `no source named "${source}"`);
      const rules = services.rules.get(source);
      if (rules === undefined) throw new HttpError(400, 'no_statuses', `source "${source}" does not track statuses`);
      const next = rankStatus(rules, request.body.status);
      if (next === undefined) {
        throw new HttpError(400, 'unknown_status', `"${request.body.status}" is not a status of source "${source}"`);
      }
      const result = await overrideEntityStatus(services.db, {
        source,
        entityId,
        next,
        actor: request.operator,
        reason: request.body.reason,
      });
      request.log.info({ operator: request.operator, source, entityId, status: next.status }, 'status overridden');
      return { source, entityId, status: next.status, previous: result.previous?.status ?? null, eventId: result.eventId };
    },
  );
};

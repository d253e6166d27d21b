import { displayUrl } from '@hookline/core';
import {
  type Database,
  type ForwardWithAttempts,
  findEvent,
  listEventActions,
  listForwards,
  type OperatorActionRow,
} from '@hookline/db';
import { z } from 'zod';
import { eventSummary, toSummary } from './schemas.js';

export const replayAction = z.object({
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

export const eventDetail = z.object({
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

export type EventDetail = z.infer<typeof eventDetail>;

export function toReplay(action: OperatorActionRow): z.infer<typeof replayAction> {
  return {
    at: action.at.toISOString(),
    actor: action.actor,
    reason: action.reason,
    jobId: action.jobId,
    result: action.result,
    completedAt: action.completedAt?.toISOString() ?? null,
  };
}

/** One event with its replays and forwards, as the JSON API answers and the explorer shows it. */
export async function readEventDetail(db: Database, source: string, eventId: string): Promise<EventDetail | undefined> {
  const row = await findEvent(db, source, eventId);
  if (row === undefined) return undefined;
  const [actions, forwards] = await Promise.all([listEventActions(db, source, eventId), listForwards(db, { source, eventId })]);
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
    replays: actions.filter((action) => action.action === 'replay').map(toReplay),
    forwards: forwards.map(toForward),
  };
}

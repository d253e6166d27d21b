import type { TransitionOutcome } from '@hookline/core';
import { and, asc, eq, inArray, lt, sql } from 'drizzle-orm';
import type { Executor } from './client.js';
import { type ForwardAttemptRow, type ForwardRow, forwardAttempts, forwardDeliveries } from './schema.js';
import { webhookEvents } from './webhook-events.js';

export interface NewForward {
  readonly webhookEventId: number;
  readonly messageId: string;
  readonly destination: string;
  readonly entityStatus: string | null;
  readonly transition: TransitionOutcome;
  readonly replay: boolean;
}

/**
 * Writes forwards into the outbox, in the caller's transaction. A message id already
 * there (a replay job that is itself retried) is left alone: one message, one forward.
 */
export async function createForwards(tx: Executor, forwards: readonly NewForward[]): Promise<void> {
  if (forwards.length === 0) return;
  await tx
    .insert(forwardDeliveries)
    .values([...forwards])
    .onConflictDoNothing({ target: forwardDeliveries.messageId });
}

/** Joins a forward to the event it forwards. */
const itsEvent = eq(webhookEvents.id, forwardDeliveries.webhookEventId);

/** A forward still to be made, as its job names it. */
export interface PendingForward {
  readonly id: number;
  readonly messageId: string;
  readonly destination: string;
  readonly source: string;
  readonly eventId: string;
}

const pendingColumns = {
  id: forwardDeliveries.id,
  messageId: forwardDeliveries.messageId,
  destination: forwardDeliveries.destination,
  source: webhookEvents.source,
  eventId: webhookEvents.eventId,
};

/** The pending forwards of one event. */
export async function listPendingForwards(
  db: Executor,
  event: { readonly source: string; readonly eventId: string },
): Promise<PendingForward[]> {
  return db
    .select(pendingColumns)
    .from(forwardDeliveries)
    .innerJoin(webhookEvents, itsEvent)
    .where(
      and(
        eq(webhookEvents.source, event.source),
        eq(webhookEvents.eventId, event.eventId),
        eq(forwardDeliveries.state, 'pending'),
      ),
    );
}

/** Pending forwards written more than `olderThanMs` ago, oldest first: what the sweeper re-enqueues. */
export async function listStalePendingForwards(db: Executor, olderThanMs: number, limit: number): Promise<PendingForward[]> {
  return db
    .select(pendingColumns)
    .from(forwardDeliveries)
    .innerJoin(webhookEvents, itsEvent)
    .where(
      and(
        eq(forwardDeliveries.state, 'pending'),
        lt(forwardDeliveries.createdAt, sql`now() - make_interval(secs => ${olderThanMs / 1000})`),
      ),
    )
    .orderBy(asc(forwardDeliveries.createdAt))
    .limit(limit);
}

/** Everything a send needs: the forward and the event it forwards. */
export interface ForwardToSend {
  readonly id: number;
  readonly messageId: string;
  readonly destination: string;
  readonly state: string;
  readonly source: string;
  readonly eventId: string;
  readonly eventType: string | null;
  readonly entityId: string | null;
  readonly entityStatus: string | null;
  readonly transition: TransitionOutcome;
  readonly replay: boolean;
  readonly receivedAt: Date;
  readonly rawBody: string;
  /** The stored request headers: their content type says whether the raw body is a form. */
  readonly headers: Record<string, string>;
}

/** Undefined when the forward does not exist, or its event's body has been pruned (nothing left to send). */
export async function loadForward(db: Executor, id: number): Promise<ForwardToSend | undefined> {
  const [row] = await db
    .select({
      id: forwardDeliveries.id,
      messageId: forwardDeliveries.messageId,
      destination: forwardDeliveries.destination,
      state: forwardDeliveries.state,
      source: webhookEvents.source,
      eventId: webhookEvents.eventId,
      eventType: webhookEvents.eventType,
      entityId: webhookEvents.entityId,
      entityStatus: forwardDeliveries.entityStatus,
      transition: forwardDeliveries.transition,
      replay: forwardDeliveries.replay,
      receivedAt: webhookEvents.receivedAt,
      rawBody: webhookEvents.rawBody,
      headers: webhookEvents.headers,
    })
    .from(forwardDeliveries)
    .innerJoin(webhookEvents, itsEvent)
    .where(eq(forwardDeliveries.id, id));
  if (row === undefined || row.rawBody === null) return undefined;
  return { ...row, rawBody: row.rawBody, headers: row.headers ?? {}, transition: row.transition as TransitionOutcome };
}

/**
 * Counts a send as started and records it, before the request goes out, so a crash
 * mid-request still leaves a trace. Returns the attempt number, or undefined when the
 * forward is no longer pending (another run finished it).
 */
export async function startForwardAttempt(db: Executor, forwardId: number): Promise<number | undefined> {
  const rows = await db.execute<{ attempt: number }>(sql`
    with started as (
      update ${forwardDeliveries} set attempts = attempts + 1
      where id = ${forwardId} and state = 'pending'
      returning id, destination, attempts
    )
    insert into ${forwardAttempts} (delivery_id, destination, attempt)
    select id, destination, attempts from started
    returning attempt`);
  return rows[0]?.attempt;
}

/** How an attempt ended: `retry` leaves the forward pending, the others finish it. */
export type AttemptOutcome = 'delivered' | 'retry' | 'rejected' | 'failed';

export interface FinishedAttempt {
  readonly forwardId: number;
  readonly attempt: number;
  readonly outcome: AttemptOutcome;
  readonly statusCode?: number;
  readonly error?: string;
  readonly durationMs: number;
}

/** Records an attempt's result and moves its forward on, in one statement. */
export async function finishForwardAttempt(db: Executor, result: FinishedAttempt): Promise<void> {
  const state = result.outcome === 'delivered' ? 'delivered' : result.outcome === 'retry' ? 'pending' : 'failed';
  const statusCode = result.statusCode ?? null;
  const error = result.error ?? null;
  await db.execute(sql`
    with attempt as (
      update ${forwardAttempts}
      set outcome = ${result.outcome}, status_code = ${statusCode}, error = ${error}, duration_ms = ${result.durationMs}
      where delivery_id = ${result.forwardId} and attempt = ${result.attempt}
    )
    update ${forwardDeliveries}
    set state = ${state}, last_status_code = ${statusCode}, last_error = ${error},
        finished_at = case when ${state} = 'pending' then null else now() end
    where id = ${result.forwardId} and state = 'pending'`);
}

/**
 * Makes a failed forward pending again, for a send an operator asked for by retrying its
 * job. Returns false when it was not failed (already reopened, or delivered).
 */
export async function reopenFailedForward(db: Executor, forwardId: number): Promise<boolean> {
  const rows = await db
    .update(forwardDeliveries)
    .set({ state: 'pending', finishedAt: null })
    .where(and(eq(forwardDeliveries.id, forwardId), eq(forwardDeliveries.state, 'failed')))
    .returning({ id: forwardDeliveries.id });
  return rows.length > 0;
}

/** Fails a pending forward without sending it (its destination is no longer configured). */
export async function failForward(db: Executor, forwardId: number, error: string): Promise<void> {
  await db
    .update(forwardDeliveries)
    .set({ state: 'failed', lastError: error, finishedAt: sql`now()` })
    .where(and(eq(forwardDeliveries.id, forwardId), eq(forwardDeliveries.state, 'pending')));
}

export type ForwardWithAttempts = ForwardRow & { readonly attemptLog: ForwardAttemptRow[] };

/** An event's forwards with every attempt, oldest first: what the events API shows. */
export async function listForwards(
  db: Executor,
  event: { readonly source: string; readonly eventId: string },
): Promise<ForwardWithAttempts[]> {
  const forwards = await db
    .select({ forward: forwardDeliveries })
    .from(forwardDeliveries)
    .innerJoin(webhookEvents, itsEvent)
    .where(and(eq(webhookEvents.source, event.source), eq(webhookEvents.eventId, event.eventId)))
    .orderBy(asc(forwardDeliveries.id));
  if (forwards.length === 0) return [];
  const attempts = await db
    .select()
    .from(forwardAttempts)
    .where(
      inArray(
        forwardAttempts.forwardId,
        forwards.map(({ forward }) => forward.id),
      ),
    )
    .orderBy(asc(forwardAttempts.forwardId), asc(forwardAttempts.attempt));
  return forwards.map(({ forward }) => ({
    ...forward,
    attemptLog: attempts.filter((attempt) => attempt.forwardId === forward.id),
  }));
}

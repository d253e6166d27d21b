import type { TransitionOutcome } from '@hookline/core';
import { and, asc, eq, inArray, lt, sql } from 'drizzle-orm';
import type { Executor } from './client.js';
import { type ForwardAttemptRow, type ForwardDeliveryRow, forwardAttempts, forwardDeliveries, webhookEvents } from './schema.js';

export interface NewDelivery {
  readonly webhookEventId: number;
  readonly messageId: string;
  readonly destination: string;
  readonly entityStatus: string | null;
  readonly transition: TransitionOutcome;
  readonly replay: boolean;
}

/**
 * Writes deliveries into the outbox, in the caller's transaction. A message id already
 * there (a replay job that is itself retried) is left alone: one message, one delivery.
 */
export async function createDeliveries(tx: Executor, deliveries: readonly NewDelivery[]): Promise<void> {
  if (deliveries.length === 0) return;
  await tx
    .insert(forwardDeliveries)
    .values([...deliveries])
    .onConflictDoNothing({ target: forwardDeliveries.messageId });
}

/** Joins a delivery to the event it forwards. */
const itsEvent = eq(webhookEvents.id, forwardDeliveries.webhookEventId);

/** A delivery still to be made, as its job names it. */
export interface PendingDelivery {
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

/** The pending deliveries of one event. */
export async function listPendingDeliveries(
  db: Executor,
  event: { readonly source: string; readonly eventId: string },
): Promise<PendingDelivery[]> {
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

/** Pending deliveries written more than `olderThanMs` ago, oldest first: what the sweeper re-enqueues. */
export async function listStalePendingDeliveries(db: Executor, olderThanMs: number, limit: number): Promise<PendingDelivery[]> {
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

/** Everything a send needs: the delivery and the event it forwards. */
export interface DeliveryToSend {
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

export async function loadDelivery(db: Executor, id: number): Promise<DeliveryToSend | undefined> {
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
  return row && { ...row, transition: row.transition as TransitionOutcome };
}

/**
 * Counts a send as started and records it, before the request goes out, so a crash
 * mid-request still leaves a trace. Returns the attempt number, or undefined when the
 * delivery is no longer pending (another run finished it).
 */
export async function startDeliveryAttempt(db: Executor, deliveryId: number): Promise<number | undefined> {
  const rows = await db.execute<{ attempt: number }>(sql`
    with started as (
      update ${forwardDeliveries} set attempts = attempts + 1
      where id = ${deliveryId} and state = 'pending'
      returning id, destination, attempts
    )
    insert into ${forwardAttempts} (delivery_id, destination, attempt)
    select id, destination, attempts from started
    returning attempt`);
  return rows[0]?.attempt;
}

/** How an attempt ended: `retry` leaves the delivery pending, the others finish it. */
export type AttemptOutcome = 'delivered' | 'retry' | 'rejected' | 'failed';

export interface FinishedAttempt {
  readonly deliveryId: number;
  readonly attempt: number;
  readonly outcome: AttemptOutcome;
  readonly statusCode?: number;
  readonly error?: string;
  readonly durationMs: number;
}

/** Records an attempt's result and moves its delivery on, in one statement. */
export async function finishDeliveryAttempt(db: Executor, result: FinishedAttempt): Promise<void> {
  const state = result.outcome === 'delivered' ? 'delivered' : result.outcome === 'retry' ? 'pending' : 'failed';
  const statusCode = result.statusCode ?? null;
  const error = result.error ?? null;
  await db.execute(sql`
    with attempt as (
      update ${forwardAttempts}
      set outcome = ${result.outcome}, status_code = ${statusCode}, error = ${error}, duration_ms = ${result.durationMs}
      where delivery_id = ${result.deliveryId} and attempt = ${result.attempt}
    )
    update ${forwardDeliveries}
    set state = ${state}, last_status_code = ${statusCode}, last_error = ${error},
        finished_at = case when ${state} = 'pending' then null else now() end
    where id = ${result.deliveryId} and state = 'pending'`);
}

/**
 * Makes a failed delivery pending again, for a send an operator asked for by retrying its
 * job. Returns false when it was not failed (already reopened, or delivered).
 */
export async function reopenFailedDelivery(db: Executor, deliveryId: number): Promise<boolean> {
  const rows = await db
    .update(forwardDeliveries)
    .set({ state: 'pending', finishedAt: null })
    .where(and(eq(forwardDeliveries.id, deliveryId), eq(forwardDeliveries.state, 'failed')))
    .returning({ id: forwardDeliveries.id });
  return rows.length > 0;
}

/** Fails a pending delivery without sending it (its destination is no longer configured). */
export async function failDelivery(db: Executor, deliveryId: number, error: string): Promise<void> {
  await db
    .update(forwardDeliveries)
    .set({ state: 'failed', lastError: error, finishedAt: sql`now()` })
    .where(and(eq(forwardDeliveries.id, deliveryId), eq(forwardDeliveries.state, 'pending')));
}

export type DeliveryWithAttempts = ForwardDeliveryRow & { readonly attemptLog: ForwardAttemptRow[] };

/** An event's deliveries with every attempt, oldest first: what the events API shows. */
export async function listDeliveries(
  db: Executor,
  event: { readonly source: string; readonly eventId: string },
): Promise<DeliveryWithAttempts[]> {
  const deliveries = await db
    .select({ delivery: forwardDeliveries })
    .from(forwardDeliveries)
    .innerJoin(webhookEvents, itsEvent)
    .where(and(eq(webhookEvents.source, event.source), eq(webhookEvents.eventId, event.eventId)))
    .orderBy(asc(forwardDeliveries.id));
  if (deliveries.length === 0) return [];
  const attempts = await db
    .select()
    .from(forwardAttempts)
    .where(
      inArray(
        forwardAttempts.deliveryId,
        deliveries.map(({ delivery }) => delivery.id),
      ),
    )
    .orderBy(asc(forwardAttempts.deliveryId), asc(forwardAttempts.attempt));
  return deliveries.map(({ delivery }) => ({
    ...delivery,
    attemptLog: attempts.filter((attempt) => attempt.deliveryId === delivery.id),
  }));
}

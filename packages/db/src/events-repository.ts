import type { IncomingEvent, TransitionOutcome } from '@hookline/core';
import { and, eq, isNotNull, sql } from 'drizzle-orm';
import type { Executor } from './client.js';
import { webhookEvents } from './schema.js';

function eventValues(event: IncomingEvent) {
  return {
    source: event.source,
    eventId: event.eventId,
    eventType: event.eventType,
    entityId: event.entityId,
    status: event.status,
    rawBody: event.rawBody,
    headers: event.headers,
    receivedAt: new Date(event.receivedAt),
    attempts: 1,
  };
}

/**
 * Takes ownership of processing an event: inserts it, or re-opens a row left by a failed
 * attempt. Returns undefined when the event was already processed (a duplicate). Inside a
 * transaction the unique key makes a concurrent duplicate wait for this one's outcome.
 */
export async function claimEvent(tx: Executor, event: IncomingEvent): Promise<number | undefined> {
  const [row] = await tx
    .insert(webhookEvents)
    // Postgres parses the raw text into jsonb: the worker never parses the body itself.
    .values({ ...eventValues(event), payload: sql`${event.rawBody}::jsonb` })
    .onConflictDoUpdate({
      target: [webhookEvents.source, webhookEvents.eventId],
      set: {
        attempts: sql`${webhookEvents.attempts} + 1`,
        payload: sql`excluded.payload`,
        lastError: null,
      },
      setWhere: sql`${webhookEvents.processedAt} is null`,
    })
    .returning({ id: webhookEvents.id });
  return row?.id;
}

/** Marks a claimed event processed, in the transaction that applied its effects. */
export async function markProcessed(tx: Executor, id: number, transition: TransitionOutcome): Promise<void> {
  await tx.update(webhookEvents).set({ processedAt: sql`now()`, transition }).where(eq(webhookEvents.id, id));
}

/**
 * Records a failed attempt so the event is visible (received, not processed, last error)
 * while it waits for a retry. The payload stays null here: it may be what failed.
 */
export async function recordFailedAttempt(db: Executor, event: IncomingEvent, error: string): Promise<void> {
  await db
    .insert(webhookEvents)
    .values({ ...eventValues(event), lastError: error })
    .onConflictDoUpdate({
      target: [webhookEvents.source, webhookEvents.eventId],
      set: { attempts: sql`${webhookEvents.attempts} + 1`, lastError: error },
      setWhere: sql`${webhookEvents.processedAt} is null`,
    });
}

/**
 * A processed event, locked until the transaction ends so that two replays of it run one
 * after the other. Undefined when the event is not stored or not processed yet.
 */
export async function lockProcessedEvent(
  tx: Executor,
  event: { readonly source: string; readonly eventId: string },
): Promise<{ readonly id: number; readonly transition: TransitionOutcome } | undefined> {
  const [row] = await tx
    .select({ id: webhookEvents.id, transition: webhookEvents.transition })
    .from(webhookEvents)
    .where(
      and(eq(webhookEvents.source, event.source), eq(webhookEvents.eventId, event.eventId), isNotNull(webhookEvents.processedAt)),
    )
    .for('update');
  return row && { id: row.id, transition: (row.transition ?? 'none') as TransitionOutcome };
}

import type { IncomingEvent, TransitionOutcome } from '@hookline/core';
import { eq, sql } from 'drizzle-orm';
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
    // Postgres parses the text into jsonb: the worker never parses the body itself. A form
    // body comes with its fields already as JSON text; a JSON body is its own payload.
    .values({ ...eventValues(event), payload: sql`${event.payloadJson ?? event.rawBody}::jsonb` })
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

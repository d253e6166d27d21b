import type { IncomingEvent, TransitionOutcome } from '@hookline/core';
import { sql } from 'drizzle-orm';
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

/** Identifies an event row: what the unique key is made of. */
export function eventKey(event: Pick<IncomingEvent, 'source' | 'eventId'>): string {
  return `${event.source}\u0000${event.eventId}`;
}

/**
 * Takes ownership of processing events, all in one statement: inserts each, or re-opens a
 * row left by a failed attempt. Returns the row id of every event claimed, by `eventKey`;
 * an event missing from the map was already processed (a duplicate). Inside a transaction
 * the unique key makes a concurrent duplicate wait for this one's outcome. The events must
 * have distinct keys (Postgres refuses to update one row twice in a statement).
 */
export async function claimEvents(tx: Executor, events: readonly IncomingEvent[]): Promise<Map<string, number>> {
  if (events.length === 0) return new Map();
  const rows = await tx
    .insert(webhookEvents)
    // Postgres parses the raw text into jsonb: the worker never parses the body itself.
    .values(events.map((event) => ({ ...eventValues(event), payload: sql`${event.rawBody}::jsonb` })))
    .onConflictDoUpdate({
      target: [webhookEvents.source, webhookEvents.eventId],
      set: {
        attempts: sql`${webhookEvents.attempts} + 1`,
        payload: sql`excluded.payload`,
        lastError: null,
      },
      setWhere: sql`${webhookEvents.processedAt} is null`,
    })
    .returning({ id: webhookEvents.id, source: webhookEvents.source, eventId: webhookEvents.eventId });
  return new Map(rows.map((row) => [eventKey(row), row.id]));
}

/** Marks claimed events processed, in the transaction that applied their effects. */
export async function markProcessed(
  tx: Executor,
  processed: readonly { readonly id: number; readonly transition: TransitionOutcome }[],
): Promise<void> {
  if (processed.length === 0) return;
  const values = sql.join(
    processed.map(({ id, transition }) => sql`(${id}::bigint, ${transition}::text)`),
    sql`, `,
  );
  await tx.execute(sql`
    update ${webhookEvents} set processed_at = now(), transition = v.transition
    from (values ${values}) as v(id, transition)
    where ${webhookEvents.id} = v.id`);
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

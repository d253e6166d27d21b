import { type IncomingEvent, payloadText, type TransitionOutcome } from '@hookline/core';
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

/** Identifies an event row: what the unique key is made of. */
export function eventKey(event: Pick<IncomingEvent, 'source' | 'eventId'>): string {
  return `${event.source}\u0000${event.eventId}`;
}

/*
 * The batch statements below take all their rows as ONE json parameter unpacked with
 * json_to_recordset: the worker's profile showed query building (drizzle) and per-value
 * parameter encoding (postgres.js) taking over a third of its CPU with a parameter per
 * value; JSON.stringify and Postgres's JSON parser are far cheaper per row.
 */

/** An event as `claimEvents` sends it; `payload` only where it is not the raw body (a JSON body is sent once). */
function claimRow(event: IncomingEvent) {
  const payload = payloadText(event);
  const { payloadJson: _, ...row } = event;
  return payload === event.rawBody ? row : { ...row, payload };
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
  const rows = await tx.execute<{ id: string; source: string; event_id: string }>(sql`
    insert into webhook_events
      (source, event_id, event_type, entity_id, status, payload, raw_body, headers, received_at, attempts)
    select r.source, r."eventId", r."eventType", r."entityId", r.status,
           -- Postgres parses the text into jsonb: the worker never parses the body itself.
           coalesce(r.payload, r."rawBody")::jsonb, r."rawBody", r.headers, to_timestamp(r."receivedAt" / 1000.0), 1
    from json_to_recordset(${JSON.stringify(events.map(claimRow))}::json) as r(
      source text, "eventId" text, "eventType" text, "entityId" text, status text,
      "rawBody" text, payload text, headers jsonb, "receivedAt" float8)
    on conflict (source, event_id) do update
      set attempts = webhook_events.attempts + 1, payload = excluded.payload, last_error = null
      where webhook_events.processed_at is null
    returning id, source, event_id`);
  return new Map(rows.map((row) => [eventKey({ source: row.source, eventId: row.event_id }), Number(row.id)]));
}

/** Marks claimed events processed, in the transaction that applied their effects. */
export async function markProcessed(
  tx: Executor,
  processed: readonly { readonly id: number; readonly transition: TransitionOutcome }[],
): Promise<void> {
  if (processed.length === 0) return;
  await tx.execute(sql`
    update webhook_events set processed_at = now(), transition = v.transition
    from json_to_recordset(${JSON.stringify(processed)}::json) as v(id bigint, transition text)
    where webhook_events.id = v.id`);
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

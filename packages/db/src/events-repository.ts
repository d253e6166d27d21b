import { type IncomingEvent, payloadText, type TransitionOutcome } from '@hookline/core';
import { and, eq, isNotNull, sql } from 'drizzle-orm';
import type { Executor } from './client.js';
import { webhookEventRows } from './schema.js';

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
 * an event missing from the map was already processed (a duplicate), even when its body has
 * been pruned: the key lives in the slim row. Inside a transaction the unique key makes a
 * concurrent duplicate wait for this one's outcome. The events must have distinct keys
 * (Postgres refuses to update one row twice in a statement).
 */
export async function claimEvents(tx: Executor, events: readonly IncomingEvent[]): Promise<Map<string, number>> {
  if (events.length === 0) return new Map();
  const rows = await tx.execute<{ id: string; source: string; event_id: string }>(sql`
    with input as (
      select r.*, to_timestamp(r."receivedAt" / 1000.0) as received_at
      from json_to_recordset(${JSON.stringify(events.map(claimRow))}::json) as r(
        source text, "eventId" text, "eventType" text, "entityId" text, status text,
        "rawBody" text, payload text, headers jsonb, "receivedAt" float8)
    ), claimed as (
      insert into webhook_event_rows
        (source, event_id, event_type, entity_id, status, received_at, attempts, body_expires_on)
      select i.source, i."eventId", i."eventType", i."entityId", i.status, i.received_at, 1,
             hookline_body_expires_on(i.source, i.received_at)
      from input i
      on conflict (source, event_id) do update
        set attempts = webhook_event_rows.attempts + 1, last_error = null,
            body_expires_on = coalesce(webhook_event_rows.body_expires_on, excluded.body_expires_on)
        where webhook_event_rows.processed_at is null
      returning id, source, event_id, body_expires_on
    ), bodies as (
      -- Postgres parses the text into jsonb: the worker never parses the body itself.
      insert into webhook_event_bodies (event_row_id, expires_on, payload, raw_body, headers)
      select c.id, c.body_expires_on, coalesce(i.payload, i."rawBody")::jsonb, i."rawBody", i.headers
      from claimed c join input i on i.source = c.source and i."eventId" = c.event_id
      on conflict (event_row_id, expires_on) do update set payload = excluded.payload
    )
    select id, source, event_id from claimed`);
  return new Map(rows.map((row) => [eventKey({ source: row.source, eventId: row.event_id }), Number(row.id)]));
}

/** Marks claimed events processed, in the transaction that applied their effects. */
export async function markProcessed(
  tx: Executor,
  processed: readonly { readonly id: number; readonly transition: TransitionOutcome }[],
): Promise<void> {
  if (processed.length === 0) return;
  await tx.execute(sql`
    update webhook_event_rows set processed_at = now(), transition = v.transition
    from json_to_recordset(${JSON.stringify(processed)}::json) as v(id bigint, transition text)
    where webhook_event_rows.id = v.id`);
}

/**
 * Records a failed attempt so the event is visible (received, not processed, last error)
 * while it waits for a retry. The payload stays null here: it may be what failed.
 */
export async function recordFailedAttempt(db: Executor, event: IncomingEvent, error: string): Promise<void> {
  const receivedAt = new Date(event.receivedAt);
  await db.execute(sql`
    with recorded as (
      insert into webhook_event_rows (source, event_id, event_type, entity_id, status, received_at, attempts, last_error, body_expires_on)
      values (${event.source}, ${event.eventId}, ${event.eventType}, ${event.entityId}, ${event.status}, ${receivedAt.toISOString()}, 1, ${error},
              hookline_body_expires_on(${event.source}, ${receivedAt.toISOString()}))
      on conflict (source, event_id) do update
        set attempts = webhook_event_rows.attempts + 1, last_error = excluded.last_error,
            body_expires_on = coalesce(webhook_event_rows.body_expires_on, excluded.body_expires_on)
        where webhook_event_rows.processed_at is null
      returning id, body_expires_on
    )
    insert into webhook_event_bodies (event_row_id, expires_on, raw_body, headers)
    select id, body_expires_on, ${event.rawBody}, ${JSON.stringify(event.headers)}::jsonb from recorded
    on conflict (event_row_id, expires_on) do nothing`);
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
    .select({ id: webhookEventRows.id, transition: webhookEventRows.transition })
    .from(webhookEventRows)
    .where(
      and(
        eq(webhookEventRows.source, event.source),
        eq(webhookEventRows.eventId, event.eventId),
        isNotNull(webhookEventRows.processedAt),
      ),
    )
    .for('update');
  return row && { id: row.id, transition: (row.transition ?? 'none') as TransitionOutcome };
}

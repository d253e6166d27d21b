import { sql } from 'drizzle-orm';
import { bigint, boolean, check, index, integer, jsonb, pgTable, primaryKey, text, timestamp, unique } from 'drizzle-orm/pg-core';

// Statuses and outcomes are text with CHECK constraints rather than enums: an enum type
// is pinned to a schema, which would tie every test database to `public`.
export const webhookEvents = pgTable(
  'webhook_events',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    source: text('source').notNull(),
    eventId: text('event_id').notNull(),
    eventType: text('event_type'),
    entityId: text('entity_id'),
    status: text('status'),
    /** Null only while a delivery that could not be stored yet is recorded as failing. */
    payload: jsonb('payload'),
    rawBody: text('raw_body').notNull(),
    headers: jsonb('headers').$type<Record<string, string>>().notNull().default({}),
    receivedAt: timestamp('received_at', { withTimezone: true, mode: 'date' }).notNull(),
    processedAt: timestamp('processed_at', { withTimezone: true, mode: 'date' }),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    transition: text('transition'),
  },
  (table) => [
    unique('webhook_events_source_event_id_key').on(table.source, table.eventId),
    index('webhook_events_received_at_idx').on(table.receivedAt),
    index('webhook_events_entity_idx').on(table.source, table.entityId),
    check(
      'webhook_events_transition_check',
      sql`${table.transition} in ('applied','unchanged','stale','terminal','reopened','unknown_status','none','override')`,
    ),
  ],
);

export const entityStates = pgTable(
  'entity_states',
  {
    source: text('source').notNull(),
    entityId: text('entity_id').notNull(),
    status: text('status').notNull(),
    statusRank: integer('status_rank').notNull(),
    terminal: boolean('terminal').notNull(),
    lastEventId: text('last_event_id').notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (table) => [primaryKey({ columns: [table.source, table.entityId] })],
);

export type WebhookEventRow = typeof webhookEvents.$inferSelect;
export type EntityStateRow = typeof entityStates.$inferSelect;

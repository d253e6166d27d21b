import { bigint, boolean, integer, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * The storage contract's `webhook_events`: in the database a VIEW over rows and bodies (migration
 * 0004) that reads as the single table did, a pruned event with null payload, raw body and headers
 * and `pruned` true. An INSTEAD OF trigger lets scripts and tests insert into it as before (not
 * with ON CONFLICT). Declared as a table so drizzle can read and insert through it, in a file of its own that
 * drizzle-kit does not read (its `schema` is `schema.ts`): migrations never create it as a table.
 */
export const webhookEvents = pgTable('webhook_events', {
  id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
  source: text('source').notNull(),
  eventId: text('event_id').notNull(),
  eventType: text('event_type'),
  entityId: text('entity_id'),
  status: text('status'),
  payload: jsonb('payload'),
  rawBody: text('raw_body'),
  headers: jsonb('headers').$type<Record<string, string>>(),
  receivedAt: timestamp('received_at', { withTimezone: true, mode: 'date' }).notNull(),
  processedAt: timestamp('processed_at', { withTimezone: true, mode: 'date' }),
  attempts: integer('attempts').notNull().default(0),
  lastError: text('last_error'),
  transition: text('transition'),
  pruned: boolean('pruned').notNull().default(false),
});

export type WebhookEventRow = typeof webhookEvents.$inferSelect;

import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  check,
  date,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  unique,
} from 'drizzle-orm/pg-core';

// Statuses and outcomes are text with CHECK constraints rather than enums: an enum type
// is pinned to a schema, which would tie every test database to `public`.

/**
 * One row per stored event, without its body: the unique (source, event_id) key that makes
 * processing exactly-once lives here, in an unpartitioned table, so a redelivery stays a
 * duplicate after the body is gone. Rows written before migration 0004 still carry their body
 * in `payload`, `raw_body` and `headers`; newer rows leave those null and keep the body in
 * `webhook_event_bodies`. Readers use the `webhook_events` view (see docs/storage.md).
 */
export const webhookEventRows = pgTable(
  'webhook_event_rows',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    source: text('source').notNull(),
    eventId: text('event_id').notNull(),
    eventType: text('event_type'),
    entityId: text('entity_id'),
    status: text('status'),
    /** The body of an event stored before migration 0004, until its payload horizon; null otherwise. */
    legacyPayload: jsonb('payload'),
    legacyRawBody: text('raw_body'),
    legacyHeaders: jsonb('headers').$type<Record<string, string>>(),
    receivedAt: timestamp('received_at', { withTimezone: true, mode: 'date' }).notNull(),
    processedAt: timestamp('processed_at', { withTimezone: true, mode: 'date' }),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    transition: text('transition'),
    /** The partition of `webhook_event_bodies` that holds this event's body: the day it is pruned. */
    bodyExpiresOn: date('body_expires_on', { mode: 'string' }),
  },
  (table) => [
    unique('webhook_events_source_event_id_key').on(table.source, table.eventId),
    index('webhook_events_received_at_idx').on(table.receivedAt),
    index('webhook_events_entity_idx').on(table.source, table.entityId),
    index('webhook_event_rows_source_received_at_idx').on(table.source, table.receivedAt),
    index('webhook_event_rows_legacy_body_idx').on(table.source, table.receivedAt).where(sql`${table.legacyRawBody} is not null`),
    check(
      'webhook_events_transition_check',
      sql`${table.transition} in ('applied','unchanged','stale','terminal','reopened','unknown_status','none','override')`,
    ),
  ],
);

/**
 * The heavy part of an event (payload, raw body, headers), partitioned by RANGE on the day it
 * expires, one partition per day plus a DEFAULT one: a day's bodies go by dropping a partition,
 * never by DELETE. drizzle-kit cannot express partitioning; migration 0004 creates it by hand.
 */
export const webhookEventBodies = pgTable(
  'webhook_event_bodies',
  {
    eventRowId: bigint('event_row_id', { mode: 'number' }).notNull(),
    expiresOn: date('expires_on', { mode: 'string' }).notNull(),
    /** Null only while a delivery that could not be stored yet is recorded as failing. */
    payload: jsonb('payload'),
    rawBody: text('raw_body').notNull(),
    headers: jsonb('headers').$type<Record<string, string>>().notNull().default({}),
  },
  (table) => [primaryKey({ columns: [table.eventRowId, table.expiresOn] })],
);

/**
 * The retention horizons the last pass (or worker start) applied, per source; source `*` holds
 * the defaults. New bodies take their expiry day from here, in SQL (`hookline_body_expires_on`).
 * `sweepFrom`/`sweepUntil` mark bodies written under a longer horizon than the current one,
 * which the pass deletes row by row.
 */
export const retentionPolicies = pgTable('retention_policies', {
  source: text('source').primaryKey(),
  payloadDays: integer('payload_days').notNull(),
  eventDays: integer('event_days').notNull(),
  sweepFrom: timestamp('sweep_from', { withTimezone: true, mode: 'date' }),
  sweepUntil: timestamp('sweep_until', { withTimezone: true, mode: 'date' }),
  updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
});

/** Every retention pass that ran to the end, and what it removed: for `/api/storage` and the last-pass metric. */
export const retentionPasses = pgTable(
  'retention_passes',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    /** The clock the pass was given. */
    ranFor: timestamp('ran_for', { withTimezone: true, mode: 'date' }).notNull(),
    startedAt: timestamp('started_at', { withTimezone: true, mode: 'date' }).notNull(),
    finishedAt: timestamp('finished_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    removed: jsonb('removed').$type<unknown[]>().notNull(),
  },
  (table) => [index('retention_passes_finished_at_idx').on(table.finishedAt)],
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

/**
 * The forwarding outbox: one row per (event, destination, replay), written in the event's
 * own transaction, so a stored event always has its deliveries and a rolled-back one has none.
 */
export const forwardDeliveries = pgTable(
  'forward_deliveries',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    /** The `webhook-id` sent on every attempt, and the delivery job's id. */
    messageId: text('message_id').notNull(),
    webhookEventId: bigint('webhook_event_id', { mode: 'number' })
      .notNull()
      .references(() => webhookEventRows.id, { onDelete: 'cascade' }),
    destination: text('destination').notNull(),
    /** The entity's status after the event's transition, as forwarded (fixed when the row is written). */
    entityStatus: text('entity_status'),
    transition: text('transition').notNull(),
    replay: boolean('replay').notNull().default(false),
    state: text('state').notNull().default('pending'),
    /** Sends started, including one cut short by a crash. */
    attempts: integer('attempts').notNull().default(0),
    lastStatusCode: integer('last_status_code'),
    lastError: text('last_error'),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    finishedAt: timestamp('finished_at', { withTimezone: true, mode: 'date' }),
  },
  (table) => [
    unique('forward_deliveries_message_id_key').on(table.messageId),
    index('forward_deliveries_event_idx').on(table.webhookEventId),
    index('forward_deliveries_pending_idx').on(table.createdAt).where(sql`${table.state} = 'pending'`),
    check('forward_deliveries_state_check', sql`${table.state} in ('pending','delivered','failed')`),
  ],
);

/** Every send of a delivery: who answered what, or what went wrong, and how long it took. */
export const forwardAttempts = pgTable(
  'forward_attempts',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    forwardId: bigint('delivery_id', { mode: 'number' })
      .notNull()
      .references(() => forwardDeliveries.id, { onDelete: 'cascade' }),
    destination: text('destination').notNull(),
    attempt: integer('attempt').notNull(),
    startedAt: timestamp('started_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    /** Null until the attempt ends; stays null for one cut short by a crash. */
    outcome: text('outcome'),
    statusCode: integer('status_code'),
    error: text('error'),
    durationMs: integer('duration_ms'),
  },
  (table) => [
    unique('forward_attempts_delivery_attempt_key').on(table.forwardId, table.attempt),
    check('forward_attempts_outcome_check', sql`${table.outcome} in ('delivered','retry','rejected','failed')`),
  ],
);

export type EntityStateRow = typeof entityStates.$inferSelect;
export type ForwardRow = typeof forwardDeliveries.$inferSelect;
export type ForwardAttemptRow = typeof forwardAttempts.$inferSelect;

/**
 * The audit trail of what operators did through the admin: who (the name of the admin token
 * used), what, why, and — for a replay — what the worker's re-run did once it ran.
 */
export const operatorActions = pgTable(
  'operator_actions',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    at: timestamp('at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    actor: text('actor').notNull(),
    action: text('action').notNull(),
    source: text('source'),
    eventId: text('event_id'),
    entityId: text('entity_id'),
    reason: text('reason'),
    /** The BullMQ job a replay runs as. */
    jobId: text('job_id'),
    /** What the action did: the transition of a replay or an override, once known. */
    result: text('result'),
    completedAt: timestamp('completed_at', { withTimezone: true, mode: 'date' }),
    detail: jsonb('detail').$type<Record<string, unknown>>().notNull().default({}),
  },
  (table) => [
    index('operator_actions_event_idx').on(table.source, table.eventId),
    index('operator_actions_entity_idx').on(table.source, table.entityId),
    unique('operator_actions_job_id_key').on(table.jobId),
    index('operator_actions_at_idx').on(table.at),
    check('operator_actions_action_check', sql`${table.action} in ('replay','override','retry_failed','reconcile')`),
  ],
);

export type OperatorActionRow = typeof operatorActions.$inferSelect;

/**
 * Where each source's reconciliation stands: everything the provider reported before
 * `settled_before` is stored or on its way. Moved only after a run's events are enqueued, and
 * only forward, so a crash or a concurrent run never skips anything.
 */
export const reconcileCursors = pgTable('reconcile_cursors', {
  source: text('source').primaryKey(),
  settledBefore: timestamp('settled_before', { withTimezone: true, mode: 'date' }).notNull(),
  lastSuccessAt: timestamp('last_success_at', { withTimezone: true, mode: 'date' }).notNull(),
});

export type ReconcileCursorRow = typeof reconcileCursors.$inferSelect;

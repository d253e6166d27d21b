import { and, desc, eq, gte, isNotNull, isNull, lt, type SQL } from 'drizzle-orm';
import type { Executor } from './client.js';
import { type EntityStateRow, entityStates } from './schema.js';
import { type WebhookEventRow, webhookEvents } from './webhook-events.js';

/**
 * Where an event's processing stands: `processed` (its effects committed), `failing` (not
 * processed, its last attempt failed), `pending` (not processed, no failure recorded).
 */
export const processingOutcomes = ['processed', 'failing', 'pending'] as const;
export type ProcessingOutcome = (typeof processingOutcomes)[number];

export interface EventFilter {
  readonly source?: string;
  readonly eventType?: string;
  readonly entityId?: string;
  /** The status the event carried. */
  readonly status?: string;
  readonly transition?: string;
  readonly outcome?: ProcessingOutcome;
  /** Received at or after. */
  readonly since?: Date;
  /** Received before. */
  readonly until?: Date;
}

export interface EventPage {
  readonly limit: number;
  /** Only rows with a smaller id: the keyset cursor of the previous page. */
  readonly beforeId?: number;
}

const summaryColumns = {
  id: webhookEvents.id,
  source: webhookEvents.source,
  eventId: webhookEvents.eventId,
  eventType: webhookEvents.eventType,
  entityId: webhookEvents.entityId,
  status: webhookEvents.status,
  transition: webhookEvents.transition,
  receivedAt: webhookEvents.receivedAt,
  processedAt: webhookEvents.processedAt,
  attempts: webhookEvents.attempts,
  lastError: webhookEvents.lastError,
  pruned: webhookEvents.pruned,
};

export type EventSummary = Pick<WebhookEventRow, keyof typeof summaryColumns>;

function outcomeCondition(outcome: ProcessingOutcome | undefined): SQL | undefined {
  if (outcome === undefined) return undefined;
  if (outcome === 'processed') return isNotNull(webhookEvents.processedAt);
  return and(
    isNull(webhookEvents.processedAt),
    outcome === 'failing' ? isNotNull(webhookEvents.lastError) : isNull(webhookEvents.lastError),
  );
}

function conditions(filter: EventFilter): SQL[] {
  const where: (SQL | undefined)[] = [
    filter.source === undefined ? undefined : eq(webhookEvents.source, filter.source),
    filter.eventType === undefined ? undefined : eq(webhookEvents.eventType, filter.eventType),
    filter.entityId === undefined ? undefined : eq(webhookEvents.entityId, filter.entityId),
    filter.status === undefined ? undefined : eq(webhookEvents.status, filter.status),
    filter.transition === undefined ? undefined : eq(webhookEvents.transition, filter.transition),
    outcomeCondition(filter.outcome),
    filter.since === undefined ? undefined : gte(webhookEvents.receivedAt, filter.since),
    filter.until === undefined ? undefined : lt(webhookEvents.receivedAt, filter.until),
  ];
  return where.filter((condition) => condition !== undefined);
}

/**
 * Events matching `filter`, newest row first, one keyset page: rows with an id below the
 * cursor. New rows always get larger ids, so inserts while paging never shift a later page.
 * Returns up to `limit` rows and whether more follow.
 */
export async function listEvents(
  db: Executor,
  filter: EventFilter,
  page: EventPage,
): Promise<{ events: EventSummary[]; hasMore: boolean }> {
  const where = conditions(filter);
  if (page.beforeId !== undefined) where.push(lt(webhookEvents.id, page.beforeId));
  const rows = await db
    .select(summaryColumns)
    .from(webhookEvents)
    .where(and(...where))
    .orderBy(desc(webhookEvents.id))
    .limit(page.limit + 1);
  return { events: rows.slice(0, page.limit), hasMore: rows.length > page.limit };
}

/** One event with everything stored about it, or undefined. */
export async function findEvent(db: Executor, source: string, eventId: string): Promise<WebhookEventRow | undefined> {
  const [row] = await db
    .select()
    .from(webhookEvents)
    .where(and(eq(webhookEvents.source, source), eq(webhookEvents.eventId, eventId)));
  return row;
}

/** An entity's stored state and its latest `limit` events, oldest first (by arrival, then row). */
export async function findEntity(
  db: Executor,
  source: string,
  entityId: string,
  limit: number,
): Promise<{ state: EntityStateRow | undefined; events: EventSummary[] }> {
  const [state] = await db
    .select()
    .from(entityStates)
    .where(and(eq(entityStates.source, source), eq(entityStates.entityId, entityId)));
  const latest = await db
    .select(summaryColumns)
    .from(webhookEvents)
    .where(and(eq(webhookEvents.source, source), eq(webhookEvents.entityId, entityId)))
    .orderBy(desc(webhookEvents.receivedAt), desc(webhookEvents.id))
    .limit(limit);
  return { state, events: latest.reverse() };
}

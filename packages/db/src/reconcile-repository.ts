import type { StoredEntity } from '@hookline/core';
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Executor } from './client.js';
import { entityStates, type ReconcileCursorRow, reconcileCursors, webhookEventRows } from './schema.js';

/** The source's reconciliation cursor; undefined before its first successful run. */
export async function readReconcileCursor(db: Executor, source: string): Promise<ReconcileCursorRow | undefined> {
  const [row] = await db.select().from(reconcileCursors).where(eq(reconcileCursors.source, source));
  return row;
}

/** Every source's cursor: what the last-success gauges start from when a worker starts. */
export async function listReconcileCursors(db: Executor): Promise<ReconcileCursorRow[]> {
  return db.select().from(reconcileCursors);
}

/**
 * Records a successful run: the cursor moves to `settledBefore` unless a concurrent run already
 * moved it further (never back, so two runs cannot make a third skip anything).
 */
export async function advanceReconcileCursor(db: Executor, source: string, settledBefore: Date): Promise<ReconcileCursorRow> {
  const [row] = await db
    .insert(reconcileCursors)
    .values({ source, settledBefore, lastSuccessAt: sql`now()` })
    .onConflictDoUpdate({
      target: reconcileCursors.source,
      set: {
        settledBefore: sql`greatest(${reconcileCursors.settledBefore}, excluded.settled_before)`,
        lastSuccessAt: sql`now()`,
      },
    })
    .returning();
  return row as ReconcileCursorRow;
}

/** Which of these event ids the source already has a row for (stored, pruned or being retried). */
export async function findKnownEventIds(db: Executor, source: string, eventIds: readonly string[]): Promise<Set<string>> {
  if (eventIds.length === 0) return new Set();
  const rows = await db
    .select({ eventId: webhookEventRows.eventId })
    .from(webhookEventRows)
    .where(and(eq(webhookEventRows.source, source), inArray(webhookEventRows.eventId, [...eventIds])));
  return new Set(rows.map((row) => row.eventId));
}

/** The stored state of each of these entities that has one, by entity id. */
export async function readStoredEntities(
  db: Executor,
  source: string,
  entityIds: readonly string[],
): Promise<Map<string, StoredEntity>> {
  if (entityIds.length === 0) return new Map();
  const rows = await db
    .select()
    .from(entityStates)
    .where(and(eq(entityStates.source, source), inArray(entityStates.entityId, [...entityIds])));
  return new Map(
    rows.map((row) => [
      row.entityId,
      { status: row.status, rank: row.statusRank, terminal: row.terminal, lastEventId: row.lastEventId },
    ]),
  );
}

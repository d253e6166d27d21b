import type { EntityStatus } from '@hookline/core';
import { and, eq, inArray, ne, sql } from 'drizzle-orm';
import type { Executor } from './client.js';
import { entityStates } from './schema.js';

export interface EntityKey {
  readonly source: string;
  readonly entityId: string;
}

/** How a status change went in: up the ladder, through a reopen rule, or not at all. */
export type EntityMove = 'advanced' | 'reopened' | undefined;

function newStatus(next: EntityStatus, eventId: string) {
  return { status: next.status, statusRank: next.rank, terminal: next.terminal, lastEventId: eventId };
}

/**
 * Offers `next` to an entity. First the forward-only rule as one statement: the update happens
 * only when the stored rank is lower and the stored status is not terminal (core's
 * `movesForward`). When that refuses, the conflicting row stays locked until commit, and an
 * event allowed to reopen some statuses (`reopenable`, from core's `reopenableStatuses`) may
 * then move it out of one of them (core's `reopens`). Nothing here knows any provider.
 */
export async function advanceEntityStatus(
  tx: Executor,
  key: EntityKey,
  next: EntityStatus,
  eventId: string,
  reopenable: readonly string[] = [],
): Promise<EntityMove> {
  const rows = await tx
    .insert(entityStates)
    .values({ ...key, ...newStatus(next, eventId) })
    .onConflictDoUpdate({
      target: [entityStates.source, entityStates.entityId],
      set: {
        status: sql`excluded.status`,
        statusRank: sql`excluded.status_rank`,
        terminal: sql`excluded.terminal`,
        lastEventId: sql`excluded.last_event_id`,
        updatedAt: sql`now()`,
      },
      setWhere: sql`not ${entityStates.terminal} and ${entityStates.statusRank} < excluded.status_rank`,
    })
    .returning({ source: entityStates.source });
  if (rows.length > 0) return 'advanced';
  if (reopenable.length === 0) return undefined;
  const reopened = await tx
    .update(entityStates)
    .set({ ...newStatus(next, eventId), updatedAt: sql`now()` })
    .where(
      and(
        eq(entityStates.source, key.source),
        eq(entityStates.entityId, key.entityId),
        inArray(entityStates.status, [...reopenable]),
        ne(entityStates.status, next.status),
      ),
    )
    .returning({ source: entityStates.source });
  return reopened.length > 0 ? 'reopened' : undefined;
}

/** The stored status of an entity, or undefined when it has none. */
export async function readEntityStatus(tx: Executor, key: EntityKey): Promise<EntityStatus | undefined> {
  const [row] = await tx
    .select({ status: entityStates.status, rank: entityStates.statusRank, terminal: entityStates.terminal })
    .from(entityStates)
    .where(and(eq(entityStates.source, key.source), eq(entityStates.entityId, key.entityId)));
  return row;
}

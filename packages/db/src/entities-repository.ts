import type { EntityStatus } from '@hookline/core';
import { and, eq, sql } from 'drizzle-orm';
import type { Executor } from './client.js';
import { entityStates } from './schema.js';

export interface EntityKey {
  readonly source: string;
  readonly entityId: string;
}

/**
 * The forward-only rule as one statement: the update happens only when the stored rank
 * is lower and the stored status is not terminal (the same rule as core's `movesForward`).
 * Returns whether the status moved. When it did not, the conflicting row stays locked
 * until commit, so a following read in the same transaction sees a stable state.
 */
export async function advanceEntityStatus(tx: Executor, key: EntityKey, next: EntityStatus, eventId: string): Promise<boolean> {
  const rows = await tx
    .insert(entityStates)
    .values({ ...key, status: next.status, statusRank: next.rank, terminal: next.terminal, lastEventId: eventId })
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
  return rows.length > 0;
}

/** The stored status of an entity, or undefined when it has none. */
export async function readEntityStatus(tx: Executor, key: EntityKey): Promise<EntityStatus | undefined> {
  const [row] = await tx
    .select({ status: entityStates.status, rank: entityStates.statusRank, terminal: entityStates.terminal })
    .from(entityStates)
    .where(and(eq(entityStates.source, key.source), eq(entityStates.entityId, key.entityId)));
  return row;
}

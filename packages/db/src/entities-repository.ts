import type { EntityStatus } from '@hookline/core';
import { and, eq, or, sql } from 'drizzle-orm';
import type { Executor } from './client.js';
import { entityStates } from './schema.js';

export interface EntityKey {
  readonly source: string;
  readonly entityId: string;
}

export interface StatusOffer {
  readonly key: EntityKey;
  readonly next: EntityStatus;
  readonly eventId: string;
}

/** Identifies an entity row: what its primary key is made of. */
export function entityKey(key: EntityKey): string {
  return `${key.source}\u0000${key.entityId}`;
}

/**
 * The forward-only rule as one statement for many entities: a row moves only when its
 * stored rank is lower and its stored status is not terminal (core's `movesForward`).
 * Returns the keys (`entityKey`) of the entities that moved. Rows that did not move stay
 * locked until commit, so a following read in the same transaction sees the state that
 * refused the move. The offers must name distinct entities.
 */
export async function advanceEntityStatuses(tx: Executor, offers: readonly StatusOffer[]): Promise<Set<string>> {
  if (offers.length === 0) return new Set();
  const rows = await tx
    .insert(entityStates)
    .values(
      offers.map(({ key, next, eventId }) => ({
        ...key,
        status: next.status,
        statusRank: next.rank,
        terminal: next.terminal,
        lastEventId: eventId,
      })),
    )
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
    .returning({ source: entityStates.source, entityId: entityStates.entityId });
  return new Set(rows.map(entityKey));
}

/** The stored status of each entity that has one, by `entityKey`. */
export async function readEntityStatuses(tx: Executor, keys: readonly EntityKey[]): Promise<Map<string, EntityStatus>> {
  if (keys.length === 0) return new Map();
  const rows = await tx
    .select({
      source: entityStates.source,
      entityId: entityStates.entityId,
      status: entityStates.status,
      rank: entityStates.statusRank,
      terminal: entityStates.terminal,
    })
    .from(entityStates)
    .where(or(...keys.map((key) => and(eq(entityStates.source, key.source), eq(entityStates.entityId, key.entityId)))));
  return new Map(rows.map(({ source, entityId, ...status }) => [entityKey({ source, entityId }), status]));
}

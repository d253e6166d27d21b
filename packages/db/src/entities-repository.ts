import type { EntityStatus } from '@hookline/core';
import { sql } from 'drizzle-orm';
import type { Executor } from './client.js';

export interface EntityKey {
  readonly source: string;
  readonly entityId: string;
}

export interface StatusOffer {
  readonly key: EntityKey;
  readonly next: EntityStatus;
  readonly eventId: string;
  /** Statuses this event may move the entity out of by a reopen rule (core's `reopenableStatuses`). */
  readonly reopenable: readonly string[];
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
  const rows = offers.map(({ key, next, eventId }) => ({ ...key, ...next, eventId }));
  // All rows travel as one json parameter: see the note in events-repository.ts.
  const moved = await tx.execute<{ source: string; entity_id: string }>(sql`
    insert into entity_states (source, entity_id, status, status_rank, terminal, last_event_id, updated_at)
    select r.source, r."entityId", r.status, r.rank, r.terminal, r."eventId", now()
    from json_to_recordset(${JSON.stringify(rows)}::json)
      as r(source text, "entityId" text, status text, rank integer, terminal boolean, "eventId" text)
    on conflict (source, entity_id) do update
      set status = excluded.status, status_rank = excluded.status_rank, terminal = excluded.terminal,
          last_event_id = excluded.last_event_id, updated_at = now()
      where not entity_states.terminal and entity_states.status_rank < excluded.status_rank
    returning source, entity_id`);
  return new Set(moved.map((row) => entityKey({ source: row.source, entityId: row.entity_id })));
}

/**
 * For offers the forward-only rule refused (their rows are locked by that upsert): moves the
 * entities whose stored status one of their reopen rules covers (core's `reopens`). Returns
 * the keys of the entities reopened. Nothing here knows any provider.
 */
export async function reopenEntityStatuses(tx: Executor, offers: readonly StatusOffer[]): Promise<Set<string>> {
  const candidates = offers
    .filter(({ reopenable }) => reopenable.length > 0)
    .map(({ key, next, eventId, reopenable }) => ({ ...key, ...next, eventId, reopenable }));
  if (candidates.length === 0) return new Set();
  const reopened = await tx.execute<{ source: string; entity_id: string }>(sql`
    update entity_states e
      set status = r.status, status_rank = r.rank, terminal = r.terminal, last_event_id = r."eventId", updated_at = now()
    from json_to_recordset(${JSON.stringify(candidates)}::json)
      as r(source text, "entityId" text, status text, rank integer, terminal boolean, "eventId" text, reopenable text[])
    where e.source = r.source and e.entity_id = r."entityId" and e.status = any(r.reopenable) and e.status <> r.status
    returning e.source, e.entity_id`);
  return new Set(reopened.map((row) => entityKey({ source: row.source, entityId: row.entity_id })));
}

/** The stored status of each entity that has one, by `entityKey`. */
export async function readEntityStatuses(tx: Executor, keys: readonly EntityKey[]): Promise<Map<string, EntityStatus>> {
  if (keys.length === 0) return new Map();
  const rows = await tx.execute<{ source: string; entity_id: string; status: string; rank: number; terminal: boolean }>(sql`
    select e.source, e.entity_id, e.status, e.status_rank as rank, e.terminal
    from entity_states e
    join json_to_recordset(${JSON.stringify(keys)}::json) as k(source text, "entityId" text)
      on e.source = k.source and e.entity_id = k."entityId"`);
  return new Map(
    rows.map(({ source, entity_id, status, rank, terminal }) => [
      entityKey({ source, entityId: entity_id }),
      { status, rank, terminal },
    ]),
  );
}

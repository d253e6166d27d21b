import { sql } from 'drizzle-orm';
import type { Database } from '../client.js';
import { addDays, isoDate } from './policy.js';

/** A daily partition of `webhook_event_bodies`: the bodies that expire on `day`. */
export interface BodyPartition {
  readonly name: string;
  /** `YYYY-MM-DD`. */
  readonly day: string;
}

export const DEFAULT_BODY_PARTITION = 'webhook_event_bodies_default';

/** Postgres's SQLSTATE for lock_timeout. */
const LOCK_NOT_AVAILABLE = '55P03';
/** SQLSTATE when the default partition already holds rows of the day being attached. */
const CHECK_VIOLATION = '23514';

export function partitionName(day: string): string {
  return `webhook_event_bodies_${day.replaceAll('-', '')}`;
}

/** The daily partitions, oldest first (the default partition is not among them). */
export async function listBodyPartitions(db: Database): Promise<BodyPartition[]> {
  const rows = await db.execute<{ name: string; bound: string }>(sql`
    select c.relname as name, pg_get_expr(c.relpartbound, c.oid) as bound
    from pg_inherits i join pg_class c on c.oid = i.inhrelid
    where i.inhparent = 'webhook_event_bodies'::regclass`);
  return rows
    .flatMap(({ name, bound }) => {
      const day = /FROM \('(\d{4}-\d{2}-\d{2})'\)/.exec(bound)?.[1];
      return day === undefined ? [] : [{ name, day }];
    })
    .sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
}

function codeOf(error: unknown): string | undefined {
  for (let cause: unknown = error; cause instanceof Error; cause = cause.cause) {
    const code = (cause as { code?: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}

/**
 * Runs partition DDL in a transaction that waits at most `lockTimeoutMs` for its lock, so that
 * a pass never holds the worker's inserts queued behind it for longer. Returns false when the
 * lock was not granted in time (the next pass tries again).
 */
async function withShortLock(db: Database, lockTimeoutMs: number, ddl: readonly ReturnType<typeof sql>[]): Promise<boolean> {
  try {
    await db.transaction(async (tx) => {
      await tx.execute(sql.raw(`set local lock_timeout = ${Math.max(1, Math.round(lockTimeoutMs))}`));
      for (const statement of ddl) await tx.execute(statement);
    });
    return true;
  } catch (error) {
    if (codeOf(error) === LOCK_NOT_AVAILABLE) return false;
    throw error;
  }
}

export type CreateResult = 'created' | 'deferred' | 'in_default';

/**
 * Creates the partition of `day`, then attaches it: ATTACH takes a lock that lets inserts run,
 * where CREATE … PARTITION OF would block them. A day whose bodies already went to the default
 * partition (no partition existed when they were written) is left there: those rows are
 * removed one by one when due.
 */
export async function createBodyPartition(db: Database, day: string, lockTimeoutMs: number): Promise<CreateResult> {
  const table = sql.identifier(partitionName(day));
  const next = isoDate(addDays(new Date(`${day}T00:00:00Z`), 1));
  try {
    const done = await withShortLock(db, lockTimeoutMs, [
      sql`create table ${table} (like webhook_event_bodies including defaults)`,
      sql`alter table webhook_event_bodies attach partition ${table} for values from (${sql.raw(`'${day}'`)}) to (${sql.raw(`'${next}'`)})`,
    ]);
    return done ? 'created' : 'deferred';
  } catch (error) {
    if (codeOf(error) === CHECK_VIOLATION) return 'in_default';
    throw error;
  }
}

/**
 * Drops a partition whose day has come: instant, and nothing to vacuum. DROP needs an
 * exclusive lock on the parent for that instant; it waits at most `lockTimeoutMs` for it.
 */
export async function dropBodyPartition(db: Database, partition: BodyPartition, lockTimeoutMs: number): Promise<boolean> {
  return withShortLock(db, lockTimeoutMs, [sql`drop table ${sql.identifier(partition.name)}`]);
}

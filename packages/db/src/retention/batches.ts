import { sql } from 'drizzle-orm';
import type { Database } from '../client.js';
import { DEFAULT_BODY_PARTITION } from './body-partitions.js';

/*
 * Each function below is one bounded statement: it picks at most `limit` rows with
 * FOR UPDATE SKIP LOCKED, so a pass never waits on a row the worker holds (a redelivery of an
 * old event being claimed) and the worker waits on the pass for one short statement at most.
 * Rows skipped are taken by the next pass. Each returns how many rows it took, so the caller
 * repeats it until a batch comes back short.
 */

interface Counted {
  readonly source: string;
  readonly n: number;
}

async function bySource(rows: Promise<{ source: string | null; n: string | number }[]>): Promise<Counted[]> {
  return (await rows).map(({ source, n }) => ({ source: source ?? '', n: Number(n) }));
}

/** Removes events received before `before`, with their forwards and attempts, in one statement. */
export async function deleteEventsBatch(
  db: Database,
  source: string,
  before: Date,
  limit: number,
): Promise<{ events: number; deliveries: number; attempts: number }> {
  const [row] = await db.execute<{ events: number; deliveries: number; attempts: number }>(sql`
    with doomed as (
      select id from webhook_event_rows
      where source = ${source} and received_at < ${before.toISOString()}
      order by received_at limit ${limit}
      for update skip locked
    ), attempts as (
      delete from forward_attempts a using forward_deliveries d, doomed
      where d.webhook_event_id = doomed.id and a.delivery_id = d.id returning 1
    ), deliveries as (
      delete from forward_deliveries d using doomed where d.webhook_event_id = doomed.id returning 1
    ), events as (
      delete from webhook_event_rows r using doomed where r.id = doomed.id returning 1
    )
    select (select count(*) from events)::int as events, (select count(*) from deliveries)::int as deliveries,
           (select count(*) from attempts)::int as attempts`);
  return row ?? { events: 0, deliveries: 0, attempts: 0 };
}

export async function countEvents(
  db: Database,
  source: string,
  before: Date,
): Promise<{ events: number; deliveries: number; attempts: number }> {
  const [row] = await db.execute<{ events: number; deliveries: number; attempts: number }>(sql`
    with doomed as (select id from webhook_event_rows where source = ${source} and received_at < ${before.toISOString()})
    select (select count(*) from doomed)::int as events,
           (select count(*) from forward_deliveries d join doomed on d.webhook_event_id = doomed.id)::int as deliveries,
           (select count(*) from forward_attempts a join forward_deliveries d on a.delivery_id = d.id
              join doomed on d.webhook_event_id = doomed.id)::int as attempts`);
  return row ?? { events: 0, deliveries: 0, attempts: 0 };
}

/** Nulls the bodies that rows stored before migration 0004 still carry, once past the payload horizon. */
export async function pruneLegacyBodiesBatch(db: Database, source: string, before: Date, limit: number): Promise<number> {
  const rows = await db.execute<{ id: string }>(sql`
    with doomed as (
      select id from webhook_event_rows
      where source = ${source} and raw_body is not null and received_at < ${before.toISOString()}
      limit ${limit}
      for update skip locked
    )
    update webhook_event_rows r set payload = null, raw_body = null, headers = null
    from doomed where r.id = doomed.id returning r.id`);
  return rows.length;
}

export async function countLegacyBodies(db: Database, source: string, before: Date): Promise<number> {
  const [row] = await db.execute<{ n: number }>(sql`
    select count(*)::int as n from webhook_event_rows
    where source = ${source} and raw_body is not null and received_at < ${before.toISOString()}`);
  return row?.n ?? 0;
}

/**
 * Bodies written under a longer payload horizon than the source has now, in the window of
 * receipt times the shorter horizon has passed: deleted row by row, and their rows marked
 * body-less. Only after a horizon is shortened.
 */
export async function sweepBodiesBatch(
  db: Database,
  window: { readonly source: string; readonly from: Date; readonly to: Date; readonly today: string },
  limit: number,
): Promise<number> {
  const [row] = await db.execute<{ n: number }>(sql`
    with doomed as (
      select id, body_expires_on from webhook_event_rows
      where source = ${window.source} and received_at >= ${window.from.toISOString()} and received_at < ${window.to.toISOString()}
        and body_expires_on > ${window.today}::date
      limit ${limit}
      for update skip locked
    ), gone as (
      delete from webhook_event_bodies b using doomed
      where b.event_row_id = doomed.id and b.expires_on = doomed.body_expires_on returning 1
    ), marked as (
      update webhook_event_rows r set body_expires_on = null from doomed where r.id = doomed.id returning 1
    )
    select (select count(*) from marked)::int as n`);
  return row?.n ?? 0;
}

export async function countSweepBodies(
  db: Database,
  window: { readonly source: string; readonly from: Date; readonly to: Date; readonly today: string },
): Promise<number> {
  const [row] = await db.execute<{ n: number }>(sql`
    select count(*)::int as n from webhook_event_rows
    where source = ${window.source} and received_at >= ${window.from.toISOString()} and received_at < ${window.to.toISOString()}
      and body_expires_on > ${window.today}::date`);
  return row?.n ?? 0;
}

/** Bodies of a day that had no partition when they were written, and went to the default one. */
export async function deleteDefaultBodiesBatch(db: Database, today: string, limit: number, dryRun: boolean): Promise<Counted[]> {
  const table = sql.identifier(DEFAULT_BODY_PARTITION);
  if (dryRun) {
    return bySource(
      db.execute<{ source: string | null; n: number }>(sql`
        select r.source, count(*) as n from ${table} b left join webhook_event_rows r on r.id = b.event_row_id
        where b.expires_on <= ${today}::date group by r.source`),
    );
  }
  return bySource(
    db.execute<{ source: string | null; n: number }>(sql`
      with doomed as (
        select event_row_id, expires_on from ${table} where expires_on <= ${today}::date limit ${limit} for update skip locked
      ), gone as (
        delete from ${table} b using doomed
        where b.event_row_id = doomed.event_row_id and b.expires_on = doomed.expires_on returning b.event_row_id
      )
      select r.source, count(*) as n from gone left join webhook_event_rows r on r.id = gone.event_row_id group by r.source`),
  );
}

/** Audit rows older than `before`. */
export async function deleteAuditBatch(db: Database, before: Date, limit: number, dryRun: boolean): Promise<Counted[]> {
  if (dryRun) {
    return bySource(
      db.execute<{ source: string | null; n: number }>(sql`
        select source, count(*) as n from operator_actions where at < ${before.toISOString()} group by source`),
    );
  }
  return bySource(
    db.execute<{ source: string | null; n: number }>(sql`
      with doomed as (
        select id from operator_actions where at < ${before.toISOString()} order by at limit ${limit} for update skip locked
      ), gone as (
        delete from operator_actions o using doomed where o.id = doomed.id returning o.source
      )
      select source, count(*) as n from gone group by source`),
  );
}

/** How many bodies of each source the partition of `day` holds, counted from the rows (one day of them per source). */
export async function countPartitionBodies(
  db: Database,
  day: string,
  windows: readonly { readonly source: string; readonly from: Date; readonly to: Date }[],
): Promise<Counted[]> {
  const counted: Counted[] = [];
  for (const window of windows) {
    const [row] = await db.execute<{ n: number }>(sql`
      select count(*)::int as n from webhook_event_rows
      where source = ${window.source} and received_at >= ${window.from.toISOString()} and received_at < ${window.to.toISOString()}
        and body_expires_on = ${day}::date`);
    if (row !== undefined && row.n > 0) counted.push({ source: window.source, n: row.n });
  }
  return counted;
}

/** Every source with stored events, by a skip scan over (source, received_at): cheap on any size. */
export async function storedSources(db: Database): Promise<string[]> {
  const rows = await db.execute<{ source: string }>(sql`
    with recursive s(source) as (
      (select source from webhook_event_rows order by source limit 1)
      union all
      select (select r.source from webhook_event_rows r where r.source > s.source order by r.source limit 1)
      from s where s.source is not null
    )
    select source from s where source is not null`);
  return rows.map(({ source }) => source);
}

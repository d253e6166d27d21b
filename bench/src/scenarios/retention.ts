import postgres from 'postgres';
import { BENCH_SOURCE, type Profile } from '../bench-config.js';
import type { BenchContext } from '../context.js';
import { type DrainResult, drainInto, fillBacklog } from './processing.js';

export interface RetentionResult {
  /** The drain with no pass running. */
  readonly baseline: DrainResult;
  /** The same drain while the worker's scheduled pass removes the aged rows. */
  readonly withPass: DrainResult;
  readonly agedRows: number;
  /** Event rows the pass removed (each with its body, whose partition it dropped). */
  readonly removedEvents: number;
  readonly passSeconds: number;
  /** Size of the event rows and of the bodies (all partitions), before and after the pass and the drain. */
  readonly before: StoredBytes;
  readonly after: StoredBytes;
}

const SEED_CHUNK = 250_000;

/**
 * Rows of events received 100 days ago (past the default 90-day event horizon), each with a
 * ~450-byte body (payload and raw body) in the partition of a day long gone: what a pass finds
 * after retention was off.
 */
async function seedAgedEvents(databaseUrl: string, count: number): Promise<void> {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  try {
    const [days] = await sql<{ day: string; next: string }[]>`
      select to_char(current_date - 69, 'YYYY-MM-DD') as day, to_char(current_date - 68, 'YYYY-MM-DD') as next`;
    const { day, next } = days ?? { day: '', next: '' };
    await sql.unsafe(
      `create table if not exists webhook_event_bodies_${day.replaceAll('-', '')}
         partition of webhook_event_bodies for values from ('${day}') to ('${next}')`,
    );
    for (let start = 0; start < count; start += SEED_CHUNK) {
      const end = Math.min(count, start + SEED_CHUNK);
      await sql`
        with aged as (
          insert into webhook_event_rows (source, event_id, event_type, entity_id, status, received_at, processed_at,
                                          attempts, transition, body_expires_on)
          select ${BENCH_SOURCE}, 'aged-' || i, 'payment.updated', 'ent_' || (i % 1000), 'succeeded',
                 now() - interval '100 days' + make_interval(secs => i / 100.0), now() - interval '100 days', 1, 'applied',
                 ${day}::date
          from generate_series(${start + 1}::int, ${end}::int) as i
          returning id, body_expires_on
        )
        insert into webhook_event_bodies (event_row_id, expires_on, payload, raw_body, headers)
        select id, body_expires_on, body::jsonb, body, '{"content-type":"application/json"}'
        from aged, lateral (select '{"id":"' || id || '","note":"' || repeat(md5(id::text), 6) || '"}' as body) as b`;
    }
    await sql`vacuum analyze webhook_event_rows`;
  } finally {
    await sql.end();
  }
}

export interface StoredBytes {
  readonly rows: number;
  readonly bodies: number;
}

async function storedBytes(databaseUrl: string): Promise<StoredBytes> {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  try {
    const [row] = await sql<{ rows: string; bodies: string }[]>`
      select pg_total_relation_size('webhook_event_rows')::bigint as rows,
             (select coalesce(sum(pg_total_relation_size(relid)), 0) from pg_partition_tree('webhook_event_bodies'))::bigint as bodies`;
    return { rows: Number(row?.rows ?? 0), bodies: Number(row?.bodies ?? 0) };
  } finally {
    await sql.end();
  }
}

/**
 * R: the worker drains a backlog while its scheduled retention pass removes the aged rows,
 * beside the same drain on the same data with no pass. Their ratio is what retention costs the
 * hot path.
 */
export async function drainDuringRetention(context: BenchContext, profile: Profile): Promise<RetentionResult> {
  const baselineUrl = await context.database('retention_off');
  await seedAgedEvents(baselineUrl, profile.agedRows);
  const baselinePrefix = context.prefix('retention-off');
  await fillBacklog(context, baselinePrefix, profile.backlog);
  const baseline = await drainInto(context, profile, baselineUrl, baselinePrefix, { HOOKLINE_RETENTION_EVERY_MINUTES: '0' });

  const url = await context.database('retention_on');
  await seedAgedEvents(url, profile.agedRows);
  const before = await storedBytes(url);
  const prefix = context.prefix('retention-on');
  await fillBacklog(context, prefix, profile.backlog);
  // The worker's own scheduler starts a pass as it starts: the pass and the drain run together.
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    let pass = { removedEvents: 0, passSeconds: 0 };
    const withPass = await drainInto(context, profile, url, prefix, { HOOKLINE_RETENTION_EVERY_MINUTES: '60' }, async () => {
      pass = await waitForPass(sql);
    });
    const after = await storedBytes(url);
    return { baseline, withPass, agedRows: profile.agedRows, ...pass, before, after };
  } finally {
    await sql.end();
  }
}
/** The pass the worker ran: how long it took and how many event rows it removed. */
async function waitForPass(sql: postgres.Sql): Promise<{ removedEvents: number; passSeconds: number }> {
  const deadline = Date.now() + 30 * 60_000;
  while (Date.now() < deadline) {
    const [pass] = await sql<{ seconds: number; removed: { kind: string; rows: number }[] }[]>`
      select extract(epoch from finished_at - started_at)::float8 as seconds, removed
      from retention_passes order by id limit 1`;
    if (pass !== undefined) {
      const removedEvents = pass.removed.filter(({ kind }) => kind === 'event').reduce((sum, { rows }) => sum + rows, 0);
      return { removedEvents, passSeconds: pass.seconds };
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error('the retention pass did not finish');
}

import { sql } from 'drizzle-orm';
import type { Database } from '../client.js';
import { storedSources } from './batches.js';
import { lastRetentionPass } from './pass.js';

export interface TableSize {
  readonly table: string;
  /** Heap, indexes and TOAST; for a partitioned table, of all its partitions. */
  readonly bytes: number;
}

export interface SourceFigures {
  readonly source: string;
  readonly events: number;
  /** True when `events` comes from the planner's statistics (a large table), not a count. */
  readonly estimated: boolean;
  readonly oldestReceivedAt: Date | null;
}

export interface StorageFigures {
  readonly tables: readonly TableSize[];
  readonly sources: readonly SourceFigures[];
  readonly bodyPartitions: number;
  readonly lastPass: { readonly finishedAt: Date; readonly ranFor: Date } | null;
}

const TABLES = [
  'webhook_event_rows',
  'webhook_event_bodies',
  'forward_deliveries',
  'forward_attempts',
  'operator_actions',
  'entity_states',
] as const;

/** Past this many rows (by estimate) the per-source counts come from statistics: counting would scan the table. */
const EXACT_COUNT_LIMIT = 1_000_000;

/** Size of each table Hookline writes, and how many partitions hold bodies (the default one included). */
export async function readTableSizes(db: Database): Promise<{ tables: TableSize[]; bodyPartitions: number }> {
  // pg_partition_tree lists nothing for a table that is not partitioned.
  const sizes = await db.execute<{ table: string; bytes: string; partitions: number }>(sql`
    select t.name as table,
           (case when c.relkind = 'p'
              then (select coalesce(sum(pg_total_relation_size(p.relid)), 0) from pg_partition_tree(c.oid) p)
              else pg_total_relation_size(c.oid) end)::bigint as bytes,
           (select count(*) from pg_partition_tree(c.oid) p where p.isleaf and p.level > 0)::int as partitions
    from unnest(${sql.raw(`array[${TABLES.map((name) => `'${name}'`).join(',')}]`)}::text[]) with ordinality as t(name, position)
    join pg_class c on c.oid = t.name::regclass
    order by t.position`);
  return {
    tables: sizes.map(({ table, bytes }) => ({ table, bytes: Number(bytes) })),
    bodyPartitions: sizes.find(({ table }) => table === 'webhook_event_bodies')?.partitions ?? 0,
  };
}

/** What storage holds: size per table, rows and oldest event per source, and when the last retention pass finished. */
export async function readStorageFigures(db: Database): Promise<StorageFigures> {
  const { tables, bodyPartitions } = await readTableSizes(db);
  const [estimate] = await db.execute<{ rows: number }>(sql`
    select greatest(reltuples, 0)::float8 as rows from pg_class where oid = 'webhook_event_rows'::regclass`);
  const estimated = (estimate?.rows ?? 0) > EXACT_COUNT_LIMIT;
  const counts = estimated
    ? await db.execute<{ source: string; events: number }>(sql`
        select s.value as source, (s.freq * c.reltuples)::float8 as events
        from pg_stats st, pg_class c,
             unnest(st.most_common_vals::text::text[], st.most_common_freqs) as s(value, freq)
        where st.tablename = 'webhook_event_rows' and st.attname = 'source' and st.schemaname = current_schema()
          and c.oid = 'webhook_event_rows'::regclass`)
    : await db.execute<{ source: string; events: number }>(sql`
        select source, count(*)::float8 as events from webhook_event_rows group by source`);
  const bySource = new Map(counts.map(({ source, events }) => [source, Math.round(Number(events))]));
  const sources: SourceFigures[] = [];
  for (const source of await storedSources(db)) {
    const [oldest] = await db.execute<{ at: Date | string | null }>(sql`
      select min(received_at) as at from webhook_event_rows where source = ${source}`);
    sources.push({
      source,
      events: bySource.get(source) ?? 0,
      estimated,
      oldestReceivedAt: oldest?.at == null ? null : new Date(oldest.at),
    });
  }
  return { tables, sources, bodyPartitions, lastPass: (await lastRetentionPass(db)) ?? null };
}

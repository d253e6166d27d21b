import { type SQL, sql } from 'drizzle-orm';
import { pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/** The handler's own table, in Hookline's database: one row per Apify run, at its latest status. */
export const apifyRuns = pgTable('apify_runs', {
  runId: text('run_id').primaryKey(),
  actorId: text('actor_id').notNull(),
  status: text('status').notNull(),
  datasetId: text('dataset_id'),
  finishedAt: timestamp('finished_at', { withTimezone: true, mode: 'date' }),
  updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
});

/** Creates the table if it is missing. A real deployment would keep this in its own migrations. */
export async function createApifyRunsTable(db: { execute(query: SQL): PromiseLike<unknown> }): Promise<void> {
  await db.execute(sql`
    create table if not exists apify_runs (
      run_id text primary key,
      actor_id text not null,
      status text not null,
      dataset_id text,
      finished_at timestamptz,
      updated_at timestamptz not null default now()
    )`);
}

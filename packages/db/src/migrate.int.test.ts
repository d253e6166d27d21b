import postgres from 'postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { migrateDatabase } from './migrate.js';
import { createTestDatabase, type TestDatabase } from './testing.js';

const created: TestDatabase[] = [];

async function freshUnmigrated(): Promise<TestDatabase> {
  const database = await createTestDatabase({ migrate: false });
  created.push(database);
  return database;
}

async function tables(url: string): Promise<string[]> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    // Tables and views; the daily partitions of webhook_event_bodies are left out.
    const rows = await sql<{ relname: string }[]>`
      select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'public' and c.relkind in ('r', 'p', 'v') and not c.relispartition order by c.relname`;
    return rows.map((row) => row.relname);
  } finally {
    await sql.end();
  }
}

afterAll(async () => {
  await Promise.all(created.map((database) => database.drop()));
});

describe('migrateDatabase', () => {
  it('creates a missing database and its tables', async () => {
    const { url } = await freshUnmigrated();
    await migrateDatabase(url);
    expect(await tables(url)).toEqual([
      'entity_states',
      'forward_attempts',
      'forward_deliveries',
      'operator_actions',
      'reconcile_cursors',
      'retention_passes',
      'retention_policies',
      'webhook_event_bodies',
      'webhook_event_rows',
      'webhook_events',
    ]);
  });

  it('succeeds when run twice', async () => {
    const { url } = await freshUnmigrated();
    await migrateDatabase(url);
    await expect(migrateDatabase(url)).resolves.toBeUndefined();
    expect(await tables(url)).toEqual([
      'entity_states',
      'forward_attempts',
      'forward_deliveries',
      'operator_actions',
      'reconcile_cursors',
      'retention_passes',
      'retention_policies',
      'webhook_event_bodies',
      'webhook_event_rows',
      'webhook_events',
    ]);
  });

  it('succeeds when four runs race on a missing database', async () => {
    const { url } = await freshUnmigrated();
    const results = await Promise.allSettled([1, 2, 3, 4].map(() => migrateDatabase(url)));
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'fulfilled']);
    expect(await tables(url)).toEqual([
      'entity_states',
      'forward_attempts',
      'forward_deliveries',
      'operator_actions',
      'reconcile_cursors',
      'retention_passes',
      'retention_policies',
      'webhook_event_bodies',
      'webhook_event_rows',
      'webhook_events',
    ]);
  });
});

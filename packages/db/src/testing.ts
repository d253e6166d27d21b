import { randomUUID } from 'node:crypto';
import postgres from 'postgres';
import { createDatabase, type DatabaseClient } from './client.js';
import { migrateDatabase } from './migrate.js';

export interface TestDatabase {
  readonly url: string;
  readonly client: DatabaseClient;
  drop(): Promise<void>;
}

/** The server tests run against: DATABASE_URL's, or the local default. */
export function testServerUrl(): URL {
  return new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/hookline');
}

/** A freshly migrated database of its own for one test file; `drop` removes it. */
export async function createTestDatabase(options: { migrate?: boolean } = {}): Promise<TestDatabase> {
  const url = testServerUrl();
  url.pathname = `/hookline_test_${randomUUID().replaceAll('-', '')}`;
  if (options.migrate !== false) await migrateDatabase(url.toString());
  const client = createDatabase(url.toString(), { maxConnections: 30 });
  return {
    url: url.toString(),
    client,
    async drop() {
      await client.close();
      const admin = testServerUrl();
      admin.pathname = '/postgres';
      const sql = postgres(admin.toString(), { max: 1, onnotice: () => {} });
      try {
        await sql.unsafe(`drop database if exists "${url.pathname.slice(1)}" with (force)`);
      } finally {
        await sql.end({ timeout: 5 });
      }
    },
  };
}

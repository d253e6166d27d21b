import { fileURLToPath } from 'node:url';
import { drizzle } from 'drizzle-orm/postgres-js';
import { migrate } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';

const migrationsFolder = fileURLToPath(new URL('../drizzle', import.meta.url));

// Any fixed number ("hook" in ASCII): every Hookline process migrating the same database takes this lock.
const MIGRATION_LOCK = 0x686f6f6b;

const quiet = { onnotice: () => {}, max: 1 } as const;

/** Postgres error codes raised when two processes create the same database at once. */
const DATABASE_EXISTS = new Set(['42P04', '23505']);

function databaseName(url: URL): string {
  const name = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (name === '') throw new Error('DATABASE_URL names no database');
  return name;
}

/** Creates the database named by `url` when it is missing; safe to race. */
export async function ensureDatabase(databaseUrl: string): Promise<void> {
  const url = new URL(databaseUrl);
  const name = databaseName(url);
  url.pathname = '/postgres';
  const admin = postgres(url.toString(), quiet);
  try {
    const found = await admin`select 1 from pg_database where datname = ${name}`;
    if (found.length > 0) return;
    await admin.unsafe(`create database "${name.replaceAll('"', '""')}"`);
  } catch (error) {
    if (!DATABASE_EXISTS.has((error as { code?: string }).code ?? '')) throw error;
  } finally {
    await admin.end({ timeout: 5 });
  }
}

/**
 * Creates the database if needed and applies the committed migrations. An advisory
 * lock serialises concurrent runs; a second run finds nothing to apply.
 */
export async function migrateDatabase(databaseUrl: string): Promise<void> {
  await ensureDatabase(databaseUrl);
  const sql = postgres(databaseUrl, quiet);
  try {
    await sql`select pg_advisory_lock(${MIGRATION_LOCK})`;
    try {
      await migrate(drizzle(sql), { migrationsFolder });
    } finally {
      await sql`select pg_advisory_unlock(${MIGRATION_LOCK})`;
    }
  } finally {
    await sql.end({ timeout: 5 });
  }
}

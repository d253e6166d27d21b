// Prepares the database for the example: Hookline's tables, then the handler's own.
import { createDatabase, migrateDatabase } from '@hookline/db';
import { createApifyRunsTable } from './apify-runs-table.js';

const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/hookline';
await migrateDatabase(url);
const database = createDatabase(url, { maxConnections: 1 });
try {
  await createApifyRunsTable(database.db);
  console.log('hookline tables and apify_runs ready');
} finally {
  await database.close();
}

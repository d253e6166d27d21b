import { migrateDatabase } from './migrate.js';

const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/hookline';

try {
  await migrateDatabase(url);
  console.log(JSON.stringify({ level: 'info', msg: 'migrations applied', database: new URL(url).pathname.slice(1) }));
} catch (error) {
  console.error(JSON.stringify({ level: 'error', msg: 'migration failed', err: (error as Error).message }));
  process.exitCode = 1;
}

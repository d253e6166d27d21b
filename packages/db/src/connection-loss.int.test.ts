import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from './testing.js';

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(async () => {
  await database.drop();
});

/*
 * postgres.js 3.4.9 wrote the transaction's ROLLBACK to a connection that had just closed
 * from a setImmediate and threw there (`Cannot read properties of null (reading 'write')`):
 * an uncaught exception, which stopped the worker at every Postgres restart or failover.
 * patches/postgres@3.4.9.patch fails the write instead; vitest fails a run on any uncaught
 * exception, so this test fails without the patch.
 */
describe('a transaction whose connection dies mid-query', () => {
  it('rejects, does not crash the process, and leaves the pool serving the next queries', async () => {
    const { db } = database.client;
    await expect(
      db.transaction(async (tx) => {
        await tx.execute(sql`select pg_terminate_backend(pg_backend_pid())`);
      }),
    ).rejects.toThrow();
    // The crash came from an immediate queued after the rejection: let it run.
    await new Promise((resolve) => setTimeout(resolve, 100));
    for (let i = 0; i < 3; i++) expect(await db.execute(sql`select 1 as one`)).toEqual([{ one: 1 }]);
    expect(await db.transaction((tx) => tx.execute(sql`select 2 as two`))).toEqual([{ two: 2 }]);
  });
});

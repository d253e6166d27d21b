import { classifyTransition, type EntityStatus, rankStatus, type StatusRules } from '@hookline/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { advanceEntityStatus, readEntityStatus } from './entities-repository.js';
import { createTestDatabase, type TestDatabase } from './testing.js';

const rules: StatusRules = { ranks: { pending: 1, running: 2, succeeded: 3, failed: 3 }, terminal: ['succeeded', 'failed'] };
const ranked = (status: string) => rankStatus(rules, status) as EntityStatus;

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(async () => {
  await database.drop();
});

describe('advanceEntityStatus', () => {
  const statuses = Object.keys(rules.ranks);

  // The SQL guard and core's movesForward must agree on every pair, or labels would lie.
  for (const current of statuses) {
    for (const next of statuses) {
      it(`moves ${current} → ${next} exactly when core says applied`, async () => {
        const key = { source: 'pairs', entityId: `${current}-${next}` };
        await advanceEntityStatus(database.client.db, key, ranked(current), 'e1');
        const moved = await advanceEntityStatus(database.client.db, key, ranked(next), 'e2');
        const expected = classifyTransition(ranked(current), ranked(next)) === 'applied';
        expect(moved).toBe(expected);
        expect((await readEntityStatus(database.client.db, key))?.status).toBe(expected ? next : current);
      });
    }
  }

  it('ends at the highest rank when 40 updates for one entity race', async () => {
    const key = { source: 'race', entityId: 'one' };
    const order = ['running', 'pending', 'succeeded', 'running', 'pending'];
    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        database.client.db.transaction((tx) => advanceEntityStatus(tx, key, ranked(order[i % order.length] as string), `e${i}`)),
      ),
    );
    expect(await readEntityStatus(database.client.db, key)).toEqual({ status: 'succeeded', rank: 3, terminal: true });
  });
});

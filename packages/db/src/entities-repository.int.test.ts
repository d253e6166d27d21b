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

  // The SQL guards and core's classification must agree on every pair, with and without a
  // reopen rule, or the stored labels would lie.
  const reopenSets: Record<string, readonly string[]> = {
    'no reopen rule': [],
    'a rule reopening the terminal statuses': ['succeeded', 'failed'],
    'a rule reopening running': ['running'],
  };
  const expectedMove = { applied: 'advanced', reopened: 'reopened' } as Record<string, string | undefined>;
  for (const [ruleName, reopenable] of Object.entries(reopenSets)) {
    for (const current of statuses) {
      for (const next of statuses) {
        it(`moves ${current} → ${next} exactly as core classifies it, under ${ruleName}`, async () => {
          const key = { source: 'pairs', entityId: `${ruleName}/${current}-${next}` };
          await advanceEntityStatus(database.client.db, key, ranked(current), 'e1');
          const move = await database.client.db.transaction((tx) => advanceEntityStatus(tx, key, ranked(next), 'e2', reopenable));
          const expected = expectedMove[classifyTransition(ranked(current), ranked(next), reopenable)];
          expect(move).toBe(expected);
          expect(await readEntityStatus(database.client.db, key)).toEqual(expected ? ranked(next) : ranked(current));
        });
      }
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

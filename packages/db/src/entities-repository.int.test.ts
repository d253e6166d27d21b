import { classifyTransition, type EntityStatus, rankStatus, type StatusRules } from '@hookline/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  advanceEntityStatuses,
  type EntityKey,
  entityKey,
  readEntityStatuses,
  reopenEntityStatuses,
} from './entities-repository.js';
import { createTestDatabase, type TestDatabase } from './testing.js';

const rules: StatusRules = { ranks: { pending: 1, running: 2, succeeded: 3, failed: 3 }, terminal: ['succeeded', 'failed'] };
const ranked = (status: string) => rankStatus(rules, status) as EntityStatus;

let database: TestDatabase;

type Db = TestDatabase['client']['db'];

/** One offer as the worker makes it: the forward-only upsert, then any reopen rule, in one transaction. */
function offer(db: Db, key: EntityKey, next: EntityStatus, eventId: string, reopenable: readonly string[] = []) {
  return db.transaction(async (tx) => {
    const item = { key, next, eventId, reopenable };
    if ((await advanceEntityStatuses(tx, [item])).has(entityKey(key))) return 'advanced';
    if ((await reopenEntityStatuses(tx, [item])).has(entityKey(key))) return 'reopened';
    return undefined;
  });
}

async function read(db: Db, key: EntityKey): Promise<EntityStatus | undefined> {
  return (await readEntityStatuses(db, [key])).get(entityKey(key));
}

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(async () => {
  await database.drop();
});

describe('advanceEntityStatuses and reopenEntityStatuses', () => {
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
          await offer(database.client.db, key, ranked(current), 'e1');
          const move = await offer(database.client.db, key, ranked(next), 'e2', reopenable);
          const expected = expectedMove[classifyTransition(ranked(current), ranked(next), reopenable)];
          expect(move).toBe(expected);
          expect(await read(database.client.db, key)).toEqual(expected ? ranked(next) : ranked(current));
        });
      }
    }
  }

  it('ends at the highest rank when 40 updates for one entity race', async () => {
    const key = { source: 'race', entityId: 'one' };
    const order = ['running', 'pending', 'succeeded', 'running', 'pending'];
    await Promise.all(
      Array.from({ length: 40 }, (_, i) => offer(database.client.db, key, ranked(order[i % order.length] as string), `e${i}`)),
    );
    expect(await read(database.client.db, key)).toEqual({ status: 'succeeded', rank: 3, terminal: true });
  });

  it('moves many entities in one statement, each by the rule', async () => {
    const keys = ['m1', 'm2', 'm3'].map((entityId) => ({ source: 'multi', entityId }));
    await advanceEntityStatuses(database.client.db, [
      { key: keys[0] as EntityKey, next: ranked('running'), eventId: 'a', reopenable: [] },
      { key: keys[1] as EntityKey, next: ranked('succeeded'), eventId: 'a', reopenable: [] },
    ]);
    const moved = await advanceEntityStatuses(
      database.client.db,
      keys.map((key) => ({ key, next: ranked('failed'), eventId: 'b', reopenable: [] })),
    );
    expect([...moved].sort()).toEqual([entityKey(keys[0] as EntityKey), entityKey(keys[2] as EntityKey)].sort());
    const states = await readEntityStatuses(database.client.db, keys);
    expect(keys.map((key) => states.get(entityKey(key))?.status)).toEqual(['failed', 'succeeded', 'failed']);
  });
});

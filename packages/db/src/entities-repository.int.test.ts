import { classifyTransition, type EntityStatus, rankStatus, type StatusRules } from '@hookline/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { advanceEntityStatuses, type EntityKey, entityKey, readEntityStatuses } from './entities-repository.js';
import { createTestDatabase, type TestDatabase } from './testing.js';

const rules: StatusRules = { ranks: { pending: 1, running: 2, succeeded: 3, failed: 3 }, terminal: ['succeeded', 'failed'] };
const ranked = (status: string) => rankStatus(rules, status) as EntityStatus;

let database: TestDatabase;

type Executor = TestDatabase['client']['db'];

async function advance(db: Executor, key: EntityKey, next: EntityStatus, eventId: string): Promise<boolean> {
  return (await advanceEntityStatuses(db, [{ key, next, eventId }])).has(entityKey(key));
}

async function read(db: Executor, key: EntityKey): Promise<EntityStatus | undefined> {
  return (await readEntityStatuses(db, [key])).get(entityKey(key));
}

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(async () => {
  await database.drop();
});

describe('advanceEntityStatuses', () => {
  const statuses = Object.keys(rules.ranks);

  // The SQL guard and core's movesForward must agree on every pair, or labels would lie.
  for (const current of statuses) {
    for (const next of statuses) {
      it(`moves ${current} → ${next} exactly when core says applied`, async () => {
        const key = { source: 'pairs', entityId: `${current}-${next}` };
        await advance(database.client.db, key, ranked(current), 'e1');
        const moved = await advance(database.client.db, key, ranked(next), 'e2');
        const expected = classifyTransition(ranked(current), ranked(next)) === 'applied';
        expect(moved).toBe(expected);
        expect((await read(database.client.db, key))?.status).toBe(expected ? next : current);
      });
    }
  }

  it('ends at the highest rank when 40 updates for one entity race', async () => {
    const key = { source: 'race', entityId: 'one' };
    const order = ['running', 'pending', 'succeeded', 'running', 'pending'];
    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        database.client.db.transaction((tx) =>
          advanceEntityStatuses(tx, [{ key, next: ranked(order[i % order.length] as string), eventId: `e${i}` }]),
        ),
      ),
    );
    expect(await read(database.client.db, key)).toEqual({ status: 'succeeded', rank: 3, terminal: true });
  });

  it('moves many entities in one statement, each by the rule', async () => {
    const keys = ['m1', 'm2', 'm3'].map((entityId) => ({ source: 'multi', entityId }));
    await advanceEntityStatuses(database.client.db, [
      { key: keys[0] as EntityKey, next: ranked('running'), eventId: 'a' },
      { key: keys[1] as EntityKey, next: ranked('succeeded'), eventId: 'a' },
    ]);
    const moved = await advanceEntityStatuses(
      database.client.db,
      keys.map((key) => ({ key, next: ranked('failed'), eventId: 'b' })),
    );
    expect([...moved].sort()).toEqual([entityKey(keys[0] as EntityKey), entityKey(keys[2] as EntityKey)].sort());
    const states = await readEntityStatuses(database.client.db, keys);
    expect(keys.map((key) => states.get(entityKey(key))?.status)).toEqual(['failed', 'succeeded', 'failed']);
  });
});

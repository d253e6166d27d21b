import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { advanceReconcileCursor, findKnownEventIds, readReconcileCursor, readStoredEntities } from './reconcile-repository.js';
import { entityStates } from './schema.js';
import { createTestDatabase, type TestDatabase } from './testing.js';
import { webhookEvents } from './webhook-events.js';

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(async () => {
  await database.drop();
});

describe('reconcile cursors', () => {
  it('starts unset, then moves forward only, so a slower concurrent run never moves it back', async () => {
    const { db } = database.client;
    expect(await readReconcileCursor(db, 'payments')).toBeUndefined();
    await advanceReconcileCursor(db, 'payments', new Date('2027-01-02T00:00:00Z'));
    const kept = await advanceReconcileCursor(db, 'payments', new Date('2027-01-01T00:00:00Z'));
    expect(kept.settledBefore.toISOString()).toBe('2027-01-02T00:00:00.000Z');
    await advanceReconcileCursor(db, 'payments', new Date('2027-01-03T00:00:00Z'));
    expect((await readReconcileCursor(db, 'payments'))?.settledBefore.toISOString()).toBe('2027-01-03T00:00:00.000Z');
  });
});

describe('what a reconciliation compares with', () => {
  it("finds the source's known event ids and entity states, and no other source's", async () => {
    const { db } = database.client;
    const row = { eventType: null, entityId: null, status: null, rawBody: '{}', receivedAt: new Date() };
    await db.insert(webhookEvents).values([
      { ...row, source: 'a', eventId: 'evt_1' },
      { ...row, source: 'b', eventId: 'evt_2' },
    ]);
    await db
      .insert(entityStates)
      .values({ source: 'a', entityId: 'run1', status: 'RUNNING', statusRank: 2, terminal: false, lastEventId: 'd1' });
    expect(await findKnownEventIds(db, 'a', ['evt_1', 'evt_2', 'evt_3'])).toEqual(new Set(['evt_1']));
    expect(await readStoredEntities(db, 'a', ['run1', 'run2'])).toEqual(
      new Map([['run1', { status: 'RUNNING', rank: 2, terminal: false, lastEventId: 'd1' }]]),
    );
  });
});

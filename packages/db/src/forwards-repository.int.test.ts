import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimEvents, eventKey, lockProcessedEvent, markProcessed } from './events-repository.js';
import {
  createForwards,
  failForward,
  finishForwardAttempt,
  listForwards,
  listPendingForwards,
  listStalePendingForwards,
  loadForward,
  startForwardAttempt,
} from './forwards-repository.js';
import { createTestDatabase, type TestDatabase } from './testing.js';

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(async () => {
  await database.drop();
});

async function storedEvent(eventId: string): Promise<number> {
  return database.client.db.transaction(async (tx) => {
    const claimed = await claimEvents(tx, [
      {
        source: 'orders',
        eventId,
        eventType: 'order.paid',
        entityId: 'o1',
        status: 'paid',
        rawBody: '{"id":"o1"}',
        headers: {},
        receivedAt: Date.now(),
      },
    ]);
    const id = claimed.get(eventKey({ source: 'orders', eventId }));
    if (id === undefined) throw new Error('not claimed');
    await markProcessed(tx, [{ id, transition: 'applied' }]);
    return id;
  });
}

function forward(webhookEventId: number, messageId: string, destination = 'https://a.example/in') {
  return { webhookEventId, messageId, destination, entityStatus: 'paid', transition: 'applied' as const, replay: false };
}

describe('the forwarding outbox', () => {
  it('writes one forward per message id, however often it is written', async () => {
    const eventId = await storedEvent('e1');
    const db = database.client.db;
    await createForwards(db, [forward(eventId, 'msg_e1a'), forward(eventId, 'msg_e1b', 'https://b.example/in')]);
    await createForwards(db, [forward(eventId, 'msg_e1a')]);
    const pending = await listPendingForwards(db, { source: 'orders', eventId: 'e1' });
    expect(pending.map((row) => row.messageId).sort()).toEqual(['msg_e1a', 'msg_e1b']);
    expect(pending[0]).toMatchObject({ source: 'orders', eventId: 'e1' });
  });

  it('numbers attempts, records each outcome and stops once delivered', async () => {
    const eventId = await storedEvent('e2');
    const db = database.client.db;
    await createForwards(db, [forward(eventId, 'msg_e2')]);
    const [pending] = await listPendingForwards(db, { source: 'orders', eventId: 'e2' });
    const id = pending?.id as number;

    expect(await startForwardAttempt(db, id)).toBe(1);
    await finishForwardAttempt(db, { forwardId: id, attempt: 1, outcome: 'retry', statusCode: 503, durationMs: 12 });
    expect((await loadForward(db, id))?.state).toBe('pending');
    expect(await startForwardAttempt(db, id)).toBe(2);
    await finishForwardAttempt(db, { forwardId: id, attempt: 2, outcome: 'delivered', statusCode: 200, durationMs: 8 });

    expect(await startForwardAttempt(db, id)).toBeUndefined();
    const [recorded] = await listForwards(db, { source: 'orders', eventId: 'e2' });
    expect(recorded).toMatchObject({ state: 'delivered', attempts: 2, lastStatusCode: 200 });
    expect(recorded?.finishedAt).toBeInstanceOf(Date);
    expect(recorded?.attemptLog.map(({ attempt, outcome, statusCode }) => ({ attempt, outcome, statusCode }))).toEqual([
      { attempt: 1, outcome: 'retry', statusCode: 503 },
      { attempt: 2, outcome: 'delivered', statusCode: 200 },
    ]);
    expect(await listPendingForwards(db, { source: 'orders', eventId: 'e2' })).toEqual([]);
  });

  it('loads what a send needs, the original body included', async () => {
    const eventId = await storedEvent('e3');
    const db = database.client.db;
    await createForwards(db, [forward(eventId, 'msg_e3')]);
    const [pending] = await listPendingForwards(db, { source: 'orders', eventId: 'e3' });
    expect(await loadForward(db, pending?.id as number)).toMatchObject({
      messageId: 'msg_e3',
      source: 'orders',
      eventId: 'e3',
      eventType: 'order.paid',
      entityStatus: 'paid',
      transition: 'applied',
      rawBody: '{"id":"o1"}',
      state: 'pending',
    });
  });

  it('fails a forward without an attempt, and lists only pending ones as stale', async () => {
    const eventId = await storedEvent('e4');
    const db = database.client.db;
    await createForwards(db, [forward(eventId, 'msg_e4a'), forward(eventId, 'msg_e4b', 'https://b.example/in')]);
    const pending = await listPendingForwards(db, { source: 'orders', eventId: 'e4' });
    await failForward(db, pending[0]?.id as number, 'destination no longer configured');
    const stale = await listStalePendingForwards(db, 0, 1000);
    expect(stale.map((row) => row.messageId)).toContain(pending[1]?.messageId);
    expect(stale.map((row) => row.messageId)).not.toContain(pending[0]?.messageId);
    expect(await listStalePendingForwards(db, 3_600_000, 1000)).toEqual([]);
  });
});

describe('lockProcessedEvent', () => {
  it('finds a processed event and its transition, and nothing for an unknown one', async () => {
    await storedEvent('e5');
    const db = database.client.db;
    await db.transaction(async (tx) => {
      expect(await lockProcessedEvent(tx, { source: 'orders', eventId: 'e5' })).toMatchObject({ transition: 'applied' });
      expect(await lockProcessedEvent(tx, { source: 'orders', eventId: 'nope' })).toBeUndefined();
    });
  });
});

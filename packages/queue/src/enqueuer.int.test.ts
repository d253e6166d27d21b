import type { IncomingEvent } from '@hookline/core';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProducerConnection } from './connection.js';
import { createEnqueuer, QueueUnavailableError } from './enqueuer.js';
import { createEventQueue, type EventQueue } from './event-queue.js';
import { removePrefix, testPrefix, testRedisUrl } from './testing.js';

const prefix = testPrefix();
let connection: Redis;
let queue: EventQueue;

function event(eventId: string): IncomingEvent {
  return {
    source: 'orders',
    eventId,
    eventType: 'order.paid',
    entityId: null,
    status: null,
    rawBody: '{}',
    headers: {},
    receivedAt: Date.now(),
  };
}

beforeAll(() => {
  connection = createProducerConnection(testRedisUrl());
  queue = createEventQueue(connection, { prefix });
});

afterAll(async () => {
  await queue.close();
  const cleaner = new Redis(testRedisUrl());
  await removePrefix(cleaner, prefix);
  await cleaner.quit();
  await connection.quit();
});

describe('enqueuer', () => {
  it('accepts a new event and answers duplicate for the same id while its job is retained', async () => {
    const enqueuer = createEnqueuer(queue, connection);
    expect(await enqueuer.enqueue(event('evt_a'))).toBe('accepted');
    expect(await enqueuer.enqueue(event('evt_a'))).toBe('duplicate');
    expect(await queue.getJobCounts('waiting')).toMatchObject({ waiting: 1 });
  });

  it('accepts exactly one of 50 concurrent deliveries of one event, and queues one job', async () => {
    const enqueuer = createEnqueuer(queue, connection);
    const outcomes = await Promise.all(Array.from({ length: 50 }, () => enqueuer.enqueue(event('evt_burst'))));
    expect(outcomes.filter((outcome) => outcome === 'accepted')).toHaveLength(1);
    expect(outcomes.filter((outcome) => outcome === 'duplicate')).toHaveLength(49);
    const job = await queue.getJob('orders/evt_burst');
    expect(job?.data.eventId).toBe('evt_burst');
  });

  it('enqueues event ids BullMQ would reject as job ids (digits only, colons)', async () => {
    const enqueuer = createEnqueuer(queue, connection);
    expect(await enqueuer.enqueue(event('12345'))).toBe('accepted');
    expect(await enqueuer.enqueue(event('urn:evt:1'))).toBe('accepted');
  });

  it('fails fast with QueueUnavailableError when Redis is unreachable', async () => {
    const dead = createProducerConnection('redis://127.0.0.1:1');
    dead.on('error', () => {});
    const deadQueue = createEventQueue(dead, { prefix });
    deadQueue.on('error', () => {});
    const enqueuer = createEnqueuer(deadQueue, dead, { timeoutMs: 500 });
    const started = Date.now();
    await expect(enqueuer.enqueue(event('evt_down'))).rejects.toBeInstanceOf(QueueUnavailableError);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(await enqueuer.isReady()).toBe(false);
    dead.disconnect();
  });
});

describe('batching', () => {
  it('answers each delivery of a mixed burst on its own, across several batches', async () => {
    const enqueuer = createEnqueuer(queue, connection, { maxBatch: 4 });
    const ids = ['b1', 'b2', 'b1', 'b3', 'b2', 'b4', 'b5', 'b1', 'b6', 'b7'];
    const outcomes = await Promise.all(ids.map((id) => enqueuer.enqueue(event(`batch-${id}`))));
    const accepted = ids.filter((_, index) => outcomes[index] === 'accepted');
    expect(accepted.sort()).toEqual(['b1', 'b2', 'b3', 'b4', 'b5', 'b6', 'b7']);
    expect(outcomes.filter((outcome) => outcome === 'duplicate')).toHaveLength(3);
    for (const id of ['b1', 'b7']) expect((await queue.getJob(`orders/batch-${id}`))?.data.eventId).toBe(`batch-${id}`);
  });

  it('answers deliveries that arrive while an earlier batch awaits Redis, each on its own', async () => {
    const enqueuer = createEnqueuer(queue, connection, { maxInFlight: 1 });
    const first = ['w1', 'w2', 'w1'].map((id) => enqueuer.enqueue(event(`wave-${id}`)));
    // The first batch is written on the next turn; these arrive while it awaits Redis.
    await new Promise((resolve) => setImmediate(resolve));
    const second = ['w2', 'w3', 'w3'].map((id) => enqueuer.enqueue(event(`wave-${id}`)));
    expect(await Promise.all(first)).toEqual(['accepted', 'accepted', 'duplicate']);
    expect(await Promise.all(second)).toEqual(['duplicate', 'accepted', 'duplicate']);
    expect((await queue.getJob('orders/wave-w3'))?.data.eventId).toBe('wave-w3');
  });
});

describe('replay guard', () => {
  const mark = (digest: string) => ({ digest, windowSeconds: 60 });
  const bodyEvent = (eventId: string) => ({ ...event(eventId), source: 'guarded' });

  it('answers a known body under a fresh id as duplicate and queues nothing for it', async () => {
    const enqueuer = createEnqueuer(queue, connection);
    expect(await enqueuer.enqueue(bodyEvent('g-original'), mark('aa'))).toBe('accepted');
    expect(await enqueuer.enqueue(bodyEvent('g-replayed'), mark('aa'))).toBe('duplicate');
    expect(await queue.getJob('guarded/g-replayed')).toBeUndefined();
    expect(await connection.ttl(`${queue.toKey('replay-guard')}:guarded:aa`)).toBeGreaterThan(0);
  });

  it("lets the body's own event id through to the ordinary duplicate check", async () => {
    const enqueuer = createEnqueuer(queue, connection);
    await connection.set(`${queue.toKey('replay-guard')}:guarded:bb`, 'g-retried', 'EX', 60);
    expect(await enqueuer.enqueue(bodyEvent('g-retried'), mark('bb'))).toBe('accepted');
    expect(await enqueuer.enqueue(bodyEvent('g-retried'), mark('bb'))).toBe('duplicate');
  });

  it('passes distinct bodies, and keeps one of a burst of one body under many ids', async () => {
    const enqueuer = createEnqueuer(queue, connection, { maxBatch: 3 });
    expect(await enqueuer.enqueue(bodyEvent('g-c1'), mark('cc'))).toBe('accepted');
    expect(await enqueuer.enqueue(bodyEvent('g-d1'), mark('dd'))).toBe('accepted');
    const outcomes = await Promise.all(
      Array.from({ length: 8 }, (_, index) => enqueuer.enqueue(bodyEvent(`g-e${index}`), mark('ee'))),
    );
    expect(outcomes.filter((outcome) => outcome === 'accepted')).toHaveLength(1);
  });

  it('answers guarded and unguarded deliveries of one batch each on its own', async () => {
    const enqueuer = createEnqueuer(queue, connection);
    const outcomes = await Promise.all([
      enqueuer.enqueue(bodyEvent('g-m1'), mark('mm')),
      enqueuer.enqueue(event('plain-m1')),
      enqueuer.enqueue(bodyEvent('g-m2'), mark('mm')),
      enqueuer.enqueue(event('plain-m1')),
    ]);
    expect(outcomes).toEqual(['accepted', 'accepted', 'duplicate', 'duplicate']);
    expect(await queue.getJob('guarded/g-m2')).toBeUndefined();
    expect((await queue.getJob('orders/plain-m1'))?.data.eventId).toBe('plain-m1');
  });

  it('keeps bodies of different sources apart', async () => {
    const enqueuer = createEnqueuer(queue, connection);
    expect(await enqueuer.enqueue(bodyEvent('g-f1'), mark('ff'))).toBe('accepted');
    expect(await enqueuer.enqueue({ ...event('g-f2'), source: 'other' }, mark('ff'))).toBe('accepted');
  });
});

import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdminConnection } from './connection.js';
import { createEventQueue, type EventQueue } from './event-queue.js';
import { createQueueDepthReader } from './queue-depth.js';
import { REPLAY_PRIORITY, replayJobId } from './replay.js';
import { removePrefix, testPrefix, testRedisUrl } from './testing.js';

const prefix = testPrefix();
let connection: Redis;
let queue: EventQueue;

function event(eventId: string) {
  return {
    source: 'orders',
    eventId,
    eventType: null,
    entityId: null,
    status: null,
    rawBody: '{}',
    headers: {},
    receivedAt: Date.now(),
  };
}

beforeAll(() => {
  connection = createAdminConnection(testRedisUrl());
  queue = createEventQueue(connection, { prefix });
});

afterAll(async () => {
  await queue.close();
  const cleaner = new Redis(testRedisUrl());
  await removePrefix(cleaner, prefix);
  await cleaner.quit();
  await connection.quit();
});

describe('queue depth', () => {
  it('reports zero and no age for an empty queue', async () => {
    expect(await createQueueDepthReader(queue, connection).read()).toEqual({
      counts: { waiting: 0, prioritized: 0, delayed: 0, active: 0, failed: 0, completed: 0 },
      oldestWaitingAgeSeconds: 0,
    });
  });

  it('counts waiting, prioritized and delayed jobs and ages the oldest waiting job by its enqueue time', async () => {
    let now = Date.now();
    const reader = createQueueDepthReader(queue, connection, () => now);
    await queue.add('orders', event('first'), { jobId: 'orders/first' });
    const first = await queue.getJob('orders/first');
    await queue.add('orders', event('second'), { jobId: 'orders/second' });
    await queue.add('orders', { ...event('again'), replay: true }, { jobId: replayJobId('orders'), priority: REPLAY_PRIORITY });
    await queue.add('orders', event('later'), { jobId: 'orders/later', delay: 60_000 });

    now = (first?.timestamp ?? 0) + 42_500;
    const depth = await reader.read();
    expect(depth.counts).toMatchObject({ waiting: 2, prioritized: 1, delayed: 1 });
    expect(depth.oldestWaitingAgeSeconds).toBe(42.5);
  });
});

import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CounterSample, createStatsPublisher, readStats, STATS_BUCKET_SECONDS } from './stats.js';
import { removePrefix, testPrefix, testRedisUrl } from './testing.js';

const prefix = testPrefix();
let connection: Redis;

beforeAll(() => {
  connection = new Redis(testRedisUrl());
});

afterAll(async () => {
  await removePrefix(connection, prefix);
  await connection.quit();
});

const HOUR = 3600 * 1000;
const start = Math.ceil(Date.now() / 1000 / STATS_BUCKET_SECONDS) * STATS_BUCKET_SECONDS * 1000;

describe('stats buckets', () => {
  it('publishes only what counters grew by, into the bucket of the flush time, and sums hour and day windows', async () => {
    let now = start - 3 * HOUR;
    let samples: CounterSample[] = [{ source: 'orders', field: 'ingest:accepted', value: 5 }];
    const publisher = createStatsPublisher(connection, {
      prefix,
      read: async () => samples,
      now: () => now,
      intervalMs: 3_600_000,
    });
    await publisher.flush();
    await publisher.flush(); // nothing grew: nothing added

    now = start + 10_000;
    samples = [
      { source: 'orders', field: 'ingest:accepted', value: 8 },
      { source: 'orders', field: 'ingest:duplicate', value: 2 },
      { source: 'billing', field: 'processed:stored', value: 1 },
    ];
    await publisher.close();

    const stats = await readStats(connection, prefix, now);
    expect(stats.get('orders')).toEqual({
      lastHour: { 'ingest:accepted': 3, 'ingest:duplicate': 2 },
      lastDay: { 'ingest:accepted': 8, 'ingest:duplicate': 2 },
    });
    expect(stats.get('billing')?.lastHour).toEqual({ 'processed:stored': 1 });
    // A day later the early bucket has left the window.
    expect((await readStats(connection, prefix, start + 25 * HOUR)).get('orders')).toBeUndefined();
  });

  it('keeps growth that could not be published and adds it at the next flush', async () => {
    const isolated = `${prefix}-retry`;
    let fail = true;
    const publisher = createStatsPublisher(connection, {
      prefix: isolated,
      read: async () => {
        if (fail) throw new Error('redis away');
        return [{ source: 'orders', field: 'ingest:accepted', value: 4 }];
      },
      intervalMs: 3_600_000,
    });
    await expect(publisher.flush()).rejects.toThrow('redis away');
    fail = false;
    await publisher.flush();
    expect((await readStats(connection, isolated)).get('orders')?.lastHour).toEqual({ 'ingest:accepted': 4 });
    await publisher.close();
    await removePrefix(connection, isolated);
  });
});

import { once } from 'node:events';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CounterSample, createStatsPublisher, readStats, STATS_BUCKET_SECONDS, type StatsCounts } from './stats.js';
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

/** Empty counts but for what a test names. */
function counts(partial: Partial<StatsCounts>): StatsCounts {
  return { ingest: {}, processed: {}, transition: {}, ...partial };
}

describe('stats buckets', () => {
  it('publishes only what counters grew by, into the bucket of the flush time, and sums hour and day windows', async () => {
    let now = start - 3 * HOUR;
    let samples: CounterSample[] = [{ source: 'orders', kind: 'ingest', key: 'accepted', value: 5 }];
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
      { source: 'orders', kind: 'ingest', key: 'accepted', value: 8 },
      { source: 'orders', kind: 'ingest', key: 'duplicate', value: 2 },
      { source: 'billing', kind: 'processed', key: 'stored', value: 1 },
    ];
    await publisher.close();

    const stats = await readStats(connection, prefix, now);
    expect(stats.get('orders')).toEqual({
      lastHour: counts({ ingest: { accepted: 3, duplicate: 2 } }),
      lastDay: counts({ ingest: { accepted: 8, duplicate: 2 } }),
    });
    expect(stats.get('billing')?.lastHour).toEqual(counts({ processed: { stored: 1 } }));
    // A day later the early bucket has left the window.
    expect((await readStats(connection, prefix, start + 25 * HOUR)).get('orders')).toBeUndefined();
  });

  it('keeps growth that Redis did not take and adds it at the next flush', async () => {
    const isolated = `${prefix}-retry`;
    // Commands fail at once while it is disconnected, as the ingester's producer connection does.
    const flaky = new Redis(testRedisUrl(), { enableOfflineQueue: false, lazyConnect: true });
    await flaky.connect();
    let accepted = 4;
    const publisher = createStatsPublisher(flaky, {
      prefix: isolated,
      read: async () => [{ source: 'orders', kind: 'ingest', key: 'accepted', value: accepted }],
      intervalMs: 3_600_000,
    });
    const ended = once(flaky, 'end');
    flaky.disconnect();
    await expect(publisher.flush()).rejects.toThrow();
    await ended;
    accepted = 6;
    await flaky.connect();
    await publisher.flush();
    expect((await readStats(connection, isolated)).get('orders')?.lastHour).toEqual(counts({ ingest: { accepted: 6 } }));
    await publisher.close();
    await flaky.quit();
    await removePrefix(connection, isolated);
  });
});

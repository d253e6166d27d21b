import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { type DurabilityProblem, durabilityProblems, readRedisDurability, watchRedisDurability } from './redis-durability.js';
import { type PrivateRedis, privateRedis, testRedisUrl } from './testing.js';

describe('durabilityProblems', () => {
  it('names eviction first and a missing AOF second, and nothing for noeviction with AOF', () => {
    expect(durabilityProblems({ evictionPolicy: 'noeviction', aofEnabled: true })).toEqual([]);
    expect(durabilityProblems({ evictionPolicy: undefined, aofEnabled: undefined })).toEqual([]);
    const problems = durabilityProblems({ evictionPolicy: 'allkeys-lru', aofEnabled: false });
    expect(problems.map(({ evicts }) => evicts)).toEqual([true, false]);
    expect(problems[0]?.message).toContain('allkeys-lru');
  });
});

let redis: PrivateRedis | undefined;

afterEach(async () => {
  await redis?.remove();
  redis = undefined;
});

describe('watchRedisDurability', () => {
  it('reads the shared Redis through INFO', async () => {
    const connection = new Redis(testRedisUrl());
    const durability = await readRedisDurability(connection);
    expect(typeof durability.evictionPolicy).toBe('string');
    expect(typeof durability.aofEnabled).toBe('boolean');
    connection.disconnect();
  });

  it('reports an evicting Redis, and checks again when a differently configured Redis comes back', async () => {
    redis = await privateRedis();
    await redis.start(['--maxmemory-policy', 'allkeys-lru', '--appendonly', 'no']);
    const connection = new Redis(redis.url, { retryStrategy: () => 50, maxRetriesPerRequest: null });
    connection.on('error', () => {});
    const checks: (readonly DurabilityProblem[])[] = [];
    const stop = watchRedisDurability(connection, { onProblems: (problems) => checks.push(problems), onError: () => {} });
    await expect.poll(() => checks.length).toBe(1);
    expect(checks[0]?.map(({ evicts }) => evicts)).toEqual([true, false]);

    await redis.kill();
    await redis.start(['--maxmemory-policy', 'noeviction', '--appendonly', 'yes']);
    await expect.poll(() => checks.length, { timeout: 10_000 }).toBe(2);
    expect(checks[1]).toEqual([]);
    stop();
    connection.disconnect();
  });
});

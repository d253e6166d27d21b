import { type PrivateRedis, privateRedis } from '@hookline/queue/testing';

export type { PrivateRedis };

/** A running private Redis with AOF fsynced on every write, noeviction and no snapshots. */
export async function startPrivateRedis(): Promise<PrivateRedis> {
  const redis = await privateRedis();
  await redis.start();
  return redis;
}

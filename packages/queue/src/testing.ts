import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';

export function testRedisUrl(): string {
  return process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
}

/** A BullMQ prefix of its own for one test file, so files can run in parallel. */
export function testPrefix(): string {
  return `test-${randomUUID()}`;
}

/** Deletes every key under a test prefix. */
export async function removePrefix(connection: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await connection.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) await connection.del(...keys);
  } while (cursor !== '0');
}
export { DURABLE_REDIS_ARGS, freePort, type PrivateRedis, privateRedis } from './private-redis.js';

import type { Redis } from 'ioredis';

function field(info: string, name: string): number {
  const match = new RegExp(`^${name}:([\\d.]+)`, 'm').exec(info);
  return match ? Number(match[1]) : 0;
}

/** CPU Redis has used since it started (user + system), in microseconds. */
export async function redisCpuMicros(redis: Redis): Promise<number> {
  const info = await redis.info('cpu');
  return (field(info, 'used_cpu_user') + field(info, 'used_cpu_sys')) * 1e6;
}

export async function redisUsedMemory(redis: Redis): Promise<number> {
  return field(await redis.info('memory'), 'used_memory');
}

export async function redisVersion(redis: Redis): Promise<string> {
  return /redis_version:(\S+)/.exec(await redis.info('server'))?.[1] ?? 'unknown';
}

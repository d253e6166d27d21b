import { freePort } from '@hookline/queue/testing';
import type { Profile } from '../bench-config.js';
import type { BenchContext } from '../context.js';
import type { LoadResult } from '../load/load-result.js';
import { cpuMicros, rssMiB, runLoad, spawnRole, spawnTs, stop, waitForHttp } from '../processes.js';
import { redisCpuMicros } from '../redis-info.js';

export interface HookIngestResult extends LoadResult {
  readonly nodeMicrosPerRequest: number;
  readonly redisMicrosPerRequest: number;
  readonly ingesterRssMiB: number;
}

/** A bench server (TypeScript, from `bench/src/servers`) or the real ingester, listening. */
async function serve(server: string, env: Record<string, string>) {
  const port = await freePort();
  const listen = { ...env, PORT: String(port), HOST: '127.0.0.1' };
  const child = server === 'ingester' ? spawnRole('ingester', listen) : spawnTs(server, listen);
  const url = `http://127.0.0.1:${port}/webhooks/bench`;
  await waitForHttp(server === 'ingester' ? `http://127.0.0.1:${port}/healthz` : url);
  return { child, url };
}

/** A: bare Fastify reading the same body. */
export async function runCeiling(profile: Profile): Promise<LoadResult> {
  const { child, url } = await serve('bench/src/servers/ceiling-server.ts', {});
  try {
    return await runLoad('closed-loop', { url, connections: profile.connections, seconds: profile.httpSeconds, mode: 'unique' });
  } finally {
    await stop(child);
  }
}

/** B: verify, then insert into Postgres before answering. */
export async function runNaive(context: BenchContext, profile: Profile, load: 'closed' | { rate: number; seconds: number }) {
  const { child, url } = await serve('bench/src/servers/naive-server.ts', {
    DATABASE_URL: await context.database(`naive_${Date.now() % 1e6}`),
  });
  try {
    return load === 'closed'
      ? await runLoad('closed-loop', { url, connections: profile.connections, seconds: profile.httpSeconds, mode: 'unique' })
      : await runLoad('open-loop', { url, ...load });
  } finally {
    await stop(child);
  }
}

/** C and D: the real ingester process, with its CPU budget per request in Node and in Redis. */
export async function runHookline(
  context: BenchContext,
  profile: Profile,
  mode: 'unique' | 'duplicates',
): Promise<HookIngestResult> {
  const prefix = context.prefix(`ingest-${mode}`);
  const { child, url } = await serve('ingester', context.roleEnv('postgres://unused@127.0.0.1/none', prefix));
  const pid = child.pid ?? 0;
  let peakRss = 0;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, rssMiB(pid));
  }, 250);
  try {
    const [nodeBefore, redisBefore] = [cpuMicros(pid), await redisCpuMicros(context.redis)];
    const result = await runLoad('closed-loop', { url, connections: profile.connections, seconds: profile.httpSeconds, mode });
    const [nodeAfter, redisAfter] = [cpuMicros(pid), await redisCpuMicros(context.redis)];
    return {
      ...result,
      nodeMicrosPerRequest: (nodeAfter - nodeBefore) / result.requests,
      redisMicrosPerRequest: (redisAfter - redisBefore) / result.requests,
      ingesterRssMiB: peakRss,
    };
  } finally {
    clearInterval(sampler);
    await stop(child);
  }
}

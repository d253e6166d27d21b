import { createEventQueue } from '@hookline/queue';
import { freePort } from '@hookline/queue/testing';
import postgres from 'postgres';
import type { Profile } from '../bench-config.js';
import type { BenchContext } from '../context.js';
import type { LoadResult } from '../load/load-result.js';
import { runLoad, spawnTs, stop, waitForHttp } from '../processes.js';

export interface SpikeResult extends LoadResult {
  readonly rate: number;
  readonly peakQueueDepth: number;
  readonly drainSeconds: number;
  readonly endToEndP50Ms: number;
  readonly endToEndP99Ms: number;
}

/** E: an open-loop arrival rate above worker capacity, with the worker running throughout. */
export async function runSpike(context: BenchContext, profile: Profile): Promise<SpikeResult> {
  const databaseUrl = await context.database('spike');
  const prefix = context.prefix('spike');
  const port = await freePort();
  const ingester = spawnTs(
    'apps/ingester/src/main.ts',
    context.roleEnv(databaseUrl, prefix, { PORT: String(port), HOST: '127.0.0.1' }),
  );
  const worker = spawnTs('apps/worker/src/main.ts', context.roleEnv(databaseUrl, prefix, { PORT: '0' }));
  const queue = createEventQueue(context.redis, { prefix });
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  let peakQueueDepth = 0;
  const sampler = setInterval(() => {
    void queue.getJobCounts('waiting', 'prioritized', 'delayed').then((counts) => {
      peakQueueDepth = Math.max(peakQueueDepth, (counts.waiting ?? 0) + (counts.prioritized ?? 0) + (counts.delayed ?? 0));
    });
  }, 250);
  try {
    await waitForHttp(`http://127.0.0.1:${port}/healthz`);
    const load = await runLoad('open-loop', {
      url: `http://127.0.0.1:${port}/webhooks/bench`,
      rate: profile.spikeRate,
      seconds: profile.spikeSeconds,
    });
    const loadEnded = performance.now();
    const expected = load.requests - load.errors;
    for (;;) {
      const [row] = await sql<{ n: number }[]>`select count(*)::int as n from webhook_events where processed_at is not null`;
      if ((row?.n ?? 0) >= expected) break;
      if (performance.now() - loadEnded > 10 * 60_000) throw new Error('spike backlog did not drain');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const drainSeconds = (performance.now() - loadEnded) / 1000;
    const [latency] = await sql<{ p50: number; p99: number }[]>`
      select percentile_cont(0.5) within group (order by extract(epoch from processed_at - received_at)) * 1000 as p50,
             percentile_cont(0.99) within group (order by extract(epoch from processed_at - received_at)) * 1000 as p99
      from webhook_events`;
    return {
      ...load,
      rate: profile.spikeRate,
      peakQueueDepth,
      drainSeconds,
      endToEndP50Ms: Number(latency?.p50 ?? 0),
      endToEndP99Ms: Number(latency?.p99 ?? 0),
    };
  } finally {
    clearInterval(sampler);
    await stop(ingester);
    await stop(worker);
    await queue.close();
    await sql.end();
  }
}

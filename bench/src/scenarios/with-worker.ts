import { availableParallelism } from 'node:os';
import { createEventQueue } from '@hookline/queue';
import { freePort } from '@hookline/queue/testing';
import { Redis } from 'ioredis';
import postgres from 'postgres';
import type { BenchContext } from '../context.js';
import type { LoadResult } from '../load/load-result.js';
import { cpuMicros, machineCpu, renice, runLoad, spawnRole, stop, tcpDrops, waitForHttp } from '../processes.js';
import { readMetrics, type Scrape } from '../prometheus.js';
import { redisCpuMicros } from '../redis-info.js';

export interface WithWorkerOptions {
  /** Names the scenario's database and queue prefix. */
  readonly label: string;
  readonly rate: number;
  readonly seconds: number;
  /**
   * Runs the worker (and its Postgres sessions) at this nice value, as a deployment gives
   * the background role less CPU than the one answering senders. Unset: all share equally.
   */
  readonly workerNice?: number;
}

/** Where an ack's time went while the load ran: read beside the latencies to explain a tail. */
export interface Diagnosis {
  /** CPU used during the load, in % of one core. */
  readonly cpuPercent: {
    readonly ingester: number;
    readonly worker: number;
    readonly redis: number;
    readonly generator: number;
    /** Every process on the machine, other sessions' included (100 % per core). */
    readonly machine: number;
  };
  /** The ingester's event-loop delay (prom-client's monitor, 10 ms resolution). */
  readonly ingesterLoopDelayP99Ms: number;
  readonly ingesterLoopDelayMaxMs: number;
  /** The ingester's own ack time (its histogram), as the bucket bound holding the p99. */
  readonly serverAckP99Ms: number;
  /** Round trips of a PING every 10 ms from the orchestrator: is Redis itself slow to answer? */
  readonly redisPingP99Ms: number;
  readonly redisPingMaxMs: number;
  /** How late the load generator itself sent, by its own clock (its p99). */
  readonly generatorLateP99Ms: number;
  /** The generator's own event-loop delay (p99): answers it read late count as latency. */
  readonly generatorLoopDelayP99Ms: number;
  /** Machine-wide TCP counters during the load: a dropped SYN costs its sender 1 s or more. */
  readonly listenOverflows: number;
  readonly synRetransmits: number;
}

export interface WithWorkerResult extends LoadResult {
  readonly rate: number;
  readonly workerNice: number | undefined;
  readonly peakQueueDepth: number;
  /** From the end of the load until every delivery was committed. */
  readonly drainSeconds: number;
  /** Receipt at the ingester to commit by the worker. */
  readonly endToEndP50Ms: number;
  readonly endToEndP99Ms: number;
  readonly diagnosis: Diagnosis;
}

const WARM_UP_SECONDS = 3;

const percentile = (sorted: readonly number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;

/** Pings Redis every 10 ms until stopped; answers the round trips, sorted. */
function probeRedis(url: string): () => Promise<number[]> {
  const redis = new Redis(url);
  const rtts: number[] = [];
  let running = true;
  const done = (async () => {
    while (running) {
      const sent = performance.now();
      await redis.ping();
      rtts.push(performance.now() - sent);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  })();
  return async () => {
    running = false;
    await done;
    await redis.quit();
    return rtts.sort((a, b) => a - b);
  };
}

/** The bound of the first histogram bucket holding `q` of the observations made between two scrapes. */
function histogramQuantileMs(before: Scrape, after: Scrape, name: string, q: number): number {
  const buckets = after
    .series(`${name}_bucket`)
    .map(({ labels, value }) => ({ le: Number(labels.le), count: value - before.value(`${name}_bucket`, labels) }))
    .sort((a, b) => a.le - b.le);
  const total = buckets.at(-1)?.count ?? 0;
  return (buckets.find((bucket) => bucket.count >= q * total)?.le ?? Number.NaN) * 1000;
}

/**
 * An open-loop arrival rate at the real ingester with the real worker running throughout,
 * both started, ready and warmed up first: acknowledgement latency from the sender's side,
 * end-to-end latency from the database, and a diagnosis of where the time went.
 */
export async function runWithWorker(context: BenchContext, options: WithWorkerOptions): Promise<WithWorkerResult> {
  const databaseUrl = await context.database(options.label);
  const prefix = context.prefix(options.label);
  const [ingesterPort, workerPort] = [await freePort(), await freePort()];
  const listen = (port: number) => ({ PORT: String(port), HOST: '127.0.0.1' });
  const ingester = spawnRole('ingester', context.roleEnv(databaseUrl, prefix, listen(ingesterPort)));
  const worker = spawnRole('worker', context.roleEnv(databaseUrl, prefix, listen(workerPort)), {
    ...(options.workerNice !== undefined && { nice: options.workerNice }),
  });
  const queue = createEventQueue(context.redis, { prefix });
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  const database = new URL(databaseUrl).pathname.slice(1);
  let peakQueueDepth = 0;
  const sampler = setInterval(() => {
    void queue.getJobCounts('waiting', 'prioritized', 'delayed').then((counts) => {
      peakQueueDepth = Math.max(peakQueueDepth, (counts.waiting ?? 0) + (counts.prioritized ?? 0) + (counts.delayed ?? 0));
    });
    // The worker's database sessions get its priority too: on one machine they are its CPU.
    if (options.workerNice !== undefined) void renice(sql, database, options.workerNice);
  }, 250);
  try {
    const ingesterUrl = `http://127.0.0.1:${ingesterPort}`;
    await Promise.all([waitForHttp(`${ingesterUrl}/healthz`), waitForHttp(`http://127.0.0.1:${workerPort}/readyz`)]);
    const pids = { ingester: ingester.pid ?? 0, worker: worker.pid ?? 0 };
    const read = async () => ({
      metrics: await readMetrics(`${ingesterUrl}/metrics`),
      ingester: cpuMicros(pids.ingester),
      worker: cpuMicros(pids.worker),
      redis: await redisCpuMicros(context.redis),
      machine: machineCpu(),
      tcp: tcpDrops(),
    });
    let before: ReturnType<typeof read> | undefined;
    let stopProbe: (() => Promise<number[]>) | undefined;
    // A spike meets processes that have been running: the generator warms both roles up (JIT,
    // connections) at a quarter of the rate and goes straight on into the measured load; the
    // readings cover the measured load alone.
    const load = await runLoad(
      'open-loop',
      {
        url: `${ingesterUrl}/webhooks/bench`,
        rate: options.rate,
        seconds: options.seconds,
        warmUp: { rate: Math.ceil(options.rate / 4), seconds: WARM_UP_SECONDS },
      },
      () => {
        before = read();
        stopProbe = probeRedis(context.redisUrl);
      },
    );
    const pings = (await stopProbe?.()) ?? [];
    const after = await read();
    const start = (await before) ?? after;
    const loadEnded = performance.now();
    const expected = (load.warmUp?.requests ?? 0) - (load.warmUp?.errors ?? 0) + load.requests - load.errors;
    for (;;) {
      const [row] = await sql<{ n: number }[]>`select count(*)::int as n from webhook_events where processed_at is not null`;
      if ((row?.n ?? 0) >= expected) break;
      if (performance.now() - loadEnded > 10 * 60_000) throw new Error(`${options.label}: the backlog did not drain`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const drainSeconds = (performance.now() - loadEnded) / 1000;
    const [latency] = await sql<{ p50: number; p99: number }[]>`
      select percentile_cont(0.5) within group (order by extract(epoch from processed_at - received_at)) * 1000 as p50,
             percentile_cont(0.99) within group (order by extract(epoch from processed_at - received_at)) * 1000 as p99
      from webhook_events where received_at >= ${new Date(load.measuredFromEpochMs ?? 0)}`;
    const share = (micros: number) => (micros / 1e6 / load.seconds) * 100;
    return {
      ...load,
      rate: options.rate,
      workerNice: options.workerNice,
      peakQueueDepth,
      drainSeconds,
      endToEndP50Ms: Number(latency?.p50 ?? 0),
      endToEndP99Ms: Number(latency?.p99 ?? 0),
      diagnosis: {
        cpuPercent: {
          ingester: share(after.ingester - start.ingester),
          worker: share(after.worker - start.worker),
          redis: share(after.redis - start.redis),
          generator: share(load.cpuMicros),
          machine:
            ((after.machine.busy - start.machine.busy) / (after.machine.total - start.machine.total)) *
            availableParallelism() *
            100,
        },
        ingesterLoopDelayP99Ms: after.metrics.value('nodejs_eventloop_lag_p99_seconds') * 1000,
        ingesterLoopDelayMaxMs: after.metrics.value('nodejs_eventloop_lag_max_seconds') * 1000,
        serverAckP99Ms: histogramQuantileMs(start.metrics, after.metrics, 'hookline_ack_duration_seconds', 0.99),
        redisPingP99Ms: percentile(pings, 0.99),
        redisPingMaxMs: pings.at(-1) ?? 0,
        generatorLateP99Ms: load.lateP99 ?? 0,
        generatorLoopDelayP99Ms: load.loopDelayP99 ?? 0,
        listenOverflows: after.tcp.listenOverflows - start.tcp.listenOverflows,
        synRetransmits: after.tcp.synRetransmits - start.tcp.synRetransmits,
      },
    };
  } finally {
    clearInterval(sampler);
    await stop(ingester);
    await stop(worker);
    await queue.close();
    await sql.end();
  }
}

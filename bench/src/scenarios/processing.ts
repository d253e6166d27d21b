import { type IncomingEvent, toJobId } from '@hookline/core';
import { createEventQueue } from '@hookline/queue';
import { Redis } from 'ioredis';
import postgres from 'postgres';
import { BENCH_SOURCE, type Profile } from '../bench-config.js';
import type { BenchContext } from '../context.js';
import { cpuMicros, rssMiB, spawnRole, spawnTs, stop } from '../processes.js';
import { redisCpuMicros, redisUsedMemory } from '../redis-info.js';
import { eventBody } from '../signed-request.js';

const CHUNK = 1000;

function backlogEvent(index: number, runId: string): IncomingEvent {
  const eventId = `${runId}-${index}`;
  // Statuses cycle over 1,000 entities so transitions happen, as in real traffic.
  const status = ['pending', 'processing', 'succeeded'][index % 3] as string;
  const entity = `ent_${index % 1000}`;
  return {
    source: BENCH_SOURCE,
    eventId,
    eventType: 'payment.updated',
    entityId: entity,
    status,
    rawBody: eventBody(eventId, entity, status),
    headers: { 'content-type': 'application/json' },
    receivedAt: Date.now(),
  };
}

/** Fills a queue with `count` waiting events; returns Redis memory used per 10,000 of them. */
export async function fillBacklog(context: BenchContext, prefix: string, count: number): Promise<number> {
  const connection = new Redis(context.redisUrl);
  const queue = createEventQueue(connection, { prefix });
  const before = await redisUsedMemory(connection);
  let perTenThousand = 0;
  for (let start = 0; start < count; start += CHUNK) {
    const events = Array.from({ length: Math.min(CHUNK, count - start) }, (_, i) => backlogEvent(start + i, prefix));
    await queue.addBulk(
      events.map((event) => ({ name: event.source, data: event, opts: { jobId: toJobId(event.source, event.eventId) } })),
    );
    if (start + CHUNK === 10_000) perTenThousand = (await redisUsedMemory(connection)) - before;
  }
  await queue.close();
  await connection.quit();
  return perTenThousand;
}

async function until(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out draining the backlog');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** CPU per event drained, in microseconds, by process: what bounds a drain on a machine's cores. */
export interface DrainCpu {
  readonly worker: number;
  readonly redis: number;
  /** The worker's own Postgres sessions (F only). */
  readonly postgres: number;
}

export interface DrainResult {
  readonly eventsPerSecond: number;
  readonly seconds: number;
  readonly workerRssMiB: number;
  readonly cpuMicrosPerEvent: DrainCpu;
}

export interface WorkerDrainResult extends DrainResult {
  /** From starting the worker process to its first committed event. */
  readonly firstRowSeconds: number;
}

/** F: the real worker drains the backlog into Postgres. */
export async function drainWithWorker(
  context: BenchContext,
  profile: Profile,
): Promise<WorkerDrainResult & { redisBytesPer10k: number }> {
  const databaseUrl = await context.database('process');
  const prefix = context.prefix('process');
  const redisBytesPer10k = await fillBacklog(context, prefix, profile.backlog);
  return { ...(await drainInto(context, profile, databaseUrl, prefix, {})), redisBytesPer10k };
}

/**
 * Starts the real worker on a filled backlog and waits until every event of it is processed
 * (counted by receipt time, so rows already in the database do not count).
 */
export async function drainInto(
  context: BenchContext,
  profile: Profile,
  databaseUrl: string,
  prefix: string,
  env: Record<string, string>,
  /** Runs once the backlog is drained, before the worker stops: for work the worker does besides. */
  afterDrain: () => Promise<void> = async () => {},
): Promise<WorkerDrainResult> {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  const since = new Date(Date.now() - 60 * 60_000).toISOString();
  const redisBefore = await redisCpuMicros(context.redis);
  const started = performance.now();
  const startedAt = Date.now();
  const worker = spawnRole('worker', context.roleEnv(databaseUrl, prefix, { PORT: '0', ...env }));
  let peakRss = 0;
  const sampler = setInterval(() => {
    if (worker.pid) peakRss = Math.max(peakRss, rssMiB(worker.pid));
  }, 250);
  const queue = createEventQueue(context.redis, { prefix });
  try {
    // Watched in Redis, as G is: counting rows every 100 ms would load the Postgres under test.
    await until(async () => {
      const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
      return Object.values(counts).every((count) => count === 0);
    }, 15 * 60_000);
    await until(async () => {
      const [row] = await sql<{ n: number }[]>`
        select count(*)::int as n from webhook_event_rows
        where source = ${BENCH_SOURCE} and received_at > ${since} and processed_at is not null`;
      return (row?.n ?? 0) >= profile.backlog;
    }, 60_000);
    const seconds = (performance.now() - started) / 1000;
    const [first] = await sql<{ at: Date | null }[]>`
      select min(processed_at) as at from webhook_event_rows where source = ${BENCH_SOURCE} and received_at > ${since}`;
    const firstRowSeconds = ((first?.at?.getTime() ?? startedAt) - startedAt) / 1000;
    // Read before the worker stops: its Postgres sessions end with it.
    const sessions = await sql<{ pid: number }[]>`
      select pid from pg_stat_activity where datname = current_database() and application_name = 'hookline-worker'`;
    const cpuMicrosPerEvent = {
      worker: cpuMicros(worker.pid ?? 0) / profile.backlog,
      redis: ((await redisCpuMicros(context.redis)) - redisBefore) / profile.backlog,
      postgres: sessions.reduce((sum, { pid }) => sum + cpuMicros(pid), 0) / profile.backlog,
    };
    await afterDrain();
    return { eventsPerSecond: profile.backlog / seconds, seconds, workerRssMiB: peakRss, firstRowSeconds, cpuMicrosPerEvent };
  } finally {
    clearInterval(sampler);
    await stop(worker);
    await queue.close();
    await sql.end();
  }
}

/** G: a worker that does nothing per job drains the same backlog. */
export async function drainWithNoopWorker(context: BenchContext, profile: Profile): Promise<DrainResult> {
  const prefix = context.prefix('noop');
  await fillBacklog(context, prefix, profile.backlog);
  const queue = createEventQueue(context.redis, { prefix });
  const redisBefore = await redisCpuMicros(context.redis);
  const started = performance.now();
  // As many jobs in flight as the real worker's default: with fewer (20 until 2026-11-29) G waits
  // on Redis round trips, and F/G flattered F.
  const worker = spawnTs('bench/src/servers/noop-worker.ts', {
    HOOKLINE_QUEUE_PREFIX: prefix,
    REDIS_URL: context.redisUrl,
    WORKER_CONCURRENCY: '200',
  });
  try {
    await until(async () => {
      const counts = await queue.getJobCounts('waiting', 'active');
      return counts.waiting === 0 && counts.active === 0;
    }, 15 * 60_000);
    const seconds = (performance.now() - started) / 1000;
    const cpuMicrosPerEvent = {
      worker: cpuMicros(worker.pid ?? 0) / profile.backlog,
      redis: ((await redisCpuMicros(context.redis)) - redisBefore) / profile.backlog,
      postgres: 0,
    };
    return { eventsPerSecond: profile.backlog / seconds, seconds, workerRssMiB: 0, cpuMicrosPerEvent };
  } finally {
    await stop(worker);
    await queue.close();
  }
}

/** H: raw multi-row INSERT … ON CONFLICT of the same rows, 500 per statement, straight from Node. */
export async function insertRaw(context: BenchContext, profile: Profile): Promise<{ rowsPerSecond: number; seconds: number }> {
  const sql = postgres(await context.database('raw'), { max: 1, onnotice: () => {} });
  const started = performance.now();
  try {
    for (let start = 0; start < profile.backlog; start += 500) {
      const rows = Array.from({ length: Math.min(500, profile.backlog - start) }, (_, i) => backlogEvent(start + i, 'raw'));
      // The event row and its body, as the worker writes them (payload parsed by Postgres).
      await sql`
        with input as (
          -- As text first: given a json parameter, postgres.js would encode the string once more.
          select * from json_to_recordset(${JSON.stringify(rows)}::text::json) as r(
            source text, "eventId" text, "eventType" text, "entityId" text, status text, "rawBody" text, "receivedAt" float8)
        ), stored as (
          insert into webhook_event_rows (source, event_id, event_type, entity_id, status, received_at, processed_at, body_expires_on)
          select source, "eventId", "eventType", "entityId", status, to_timestamp("receivedAt" / 1000.0), now(),
                 hookline_body_expires_on(source, to_timestamp("receivedAt" / 1000.0))
          from input
          on conflict (source, event_id) do nothing
          returning id, source, event_id, body_expires_on
        )
        insert into webhook_event_bodies (event_row_id, expires_on, payload, raw_body, headers)
        select s.id, s.body_expires_on, i."rawBody"::jsonb, i."rawBody", '{}'::jsonb
        from stored s join input i on i.source = s.source and i."eventId" = s.event_id`;
    }
    const seconds = (performance.now() - started) / 1000;
    return { rowsPerSecond: profile.backlog / seconds, seconds };
  } finally {
    await sql.end();
  }
}

import { type IncomingEvent, toJobId } from '@hookline/core';
import { createEventQueue } from '@hookline/queue';
import { Redis } from 'ioredis';
import postgres from 'postgres';
import { BENCH_SOURCE, type Profile } from '../bench-config.js';
import type { BenchContext } from '../context.js';
import { rssMiB, spawnTs, stop } from '../processes.js';
import { redisUsedMemory } from '../redis-info.js';
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

export interface DrainResult {
  readonly eventsPerSecond: number;
  readonly seconds: number;
  readonly workerRssMiB: number;
}

/** F: the real worker drains the backlog into Postgres. */
export async function drainWithWorker(
  context: BenchContext,
  profile: Profile,
): Promise<DrainResult & { redisBytesPer10k: number }> {
  const databaseUrl = await context.database('process');
  const prefix = context.prefix('process');
  const redisBytesPer10k = await fillBacklog(context, prefix, profile.backlog);
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  const started = performance.now();
  const worker = spawnTs('apps/worker/src/main.ts', context.roleEnv(databaseUrl, prefix, { PORT: '0' }));
  let peakRss = 0;
  const sampler = setInterval(() => {
    if (worker.pid) peakRss = Math.max(peakRss, rssMiB(worker.pid));
  }, 250);
  try {
    await until(async () => {
      const [row] = await sql<{ n: number }[]>`select count(*)::int as n from webhook_events where processed_at is not null`;
      return (row?.n ?? 0) >= profile.backlog;
    }, 15 * 60_000);
    const seconds = (performance.now() - started) / 1000;
    return { eventsPerSecond: profile.backlog / seconds, seconds, workerRssMiB: peakRss, redisBytesPer10k };
  } finally {
    clearInterval(sampler);
    await stop(worker);
    await sql.end();
  }
}

/** G: a worker that does nothing per job drains the same backlog. */
export async function drainWithNoopWorker(context: BenchContext, profile: Profile): Promise<DrainResult> {
  const prefix = context.prefix('noop');
  await fillBacklog(context, prefix, profile.backlog);
  const queue = createEventQueue(context.redis, { prefix });
  const started = performance.now();
  const worker = spawnTs('bench/src/servers/noop-worker.ts', { HOOKLINE_QUEUE_PREFIX: prefix, REDIS_URL: context.redisUrl });
  try {
    await until(async () => {
      const counts = await queue.getJobCounts('waiting', 'active');
      return counts.waiting === 0 && counts.active === 0;
    }, 15 * 60_000);
    const seconds = (performance.now() - started) / 1000;
    return { eventsPerSecond: profile.backlog / seconds, seconds, workerRssMiB: 0 };
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
      const rows = Array.from({ length: Math.min(500, profile.backlog - start) }, (_, i) => {
        const event = backlogEvent(start + i, 'raw');
        return {
          source: event.source,
          event_id: event.eventId,
          event_type: event.eventType,
          entity_id: event.entityId,
          status: event.status,
          payload: sql.json(JSON.parse(event.rawBody)),
          raw_body: event.rawBody,
          received_at: new Date(event.receivedAt),
          processed_at: new Date(),
        };
      });
      await sql`insert into webhook_events ${sql(rows)} on conflict (source, event_id) do nothing`;
    }
    const seconds = (performance.now() - started) / 1000;
    return { rowsPerSecond: profile.backlog / seconds, seconds };
  } finally {
    await sql.end();
  }
}

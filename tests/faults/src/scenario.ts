import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IncomingEvent } from '@hookline/core';
import { createDatabase, type DatabaseClient, migrateDatabase } from '@hookline/db';
import { SOURCES_YAML } from '@hookline/e2e/harness';
import {
  createEnqueuer,
  createEventQueue,
  createProducerConnection,
  createWorkerConnection,
  type EnqueueOutcome,
  type EventQueue,
} from '@hookline/queue';
import { testPrefix } from '@hookline/queue/testing';
import type { Redis } from 'ioredis';
import { sleep } from './ports.js';
import type { PrivatePostgres } from './private-postgres.js';
import type { PrivateRedis } from './private-redis.js';
import { type RoleProcess, startRole } from './processes.js';

/** One test's world on the file's private servers: its own database, queue prefix and sources file. */
export interface Scenario {
  readonly prefix: string;
  readonly databaseUrl: string;
  readonly database: DatabaseClient;
  /** The test's own view of the queue (a worker-style connection: it waits out a Redis restart). */
  readonly connection: Redis;
  readonly queue: EventQueue;
  readonly sourcesPath: string;
  /** Enqueues events as the ingester does (same job ids, same edge dedupe), without HTTP. */
  enqueue(events: readonly IncomingEvent[]): Promise<EnqueueOutcome[]>;
  startIngester(env?: Record<string, string>): Promise<RoleProcess>;
  startWorker(env?: Record<string, string>): Promise<RoleProcess>;
  /** Rows in `webhook_events`: all, distinct event ids, and processed ones. */
  storedEvents(): Promise<{ rows: number; distinct: number; processed: number }>;
  /** Event ids stored (any state). */
  storedEventIds(): Promise<Set<string>>;
  /** The events queue's job counts, and `stalled`: jobs a stalled check has marked and not yet moved. */
  queueState(): Promise<QueueState>;
  close(): Promise<void>;
}

export interface QueueState {
  readonly waiting: number;
  readonly active: number;
  readonly delayed: number;
  readonly prioritized: number;
  readonly failed: number;
  readonly completed: number;
  readonly stalled: number;
}

/** Nothing left to do and nothing stuck: every job finished one way or the other. */
export function isSettled(state: QueueState): boolean {
  return state.waiting + state.active + state.delayed + state.prioritized + state.stalled === 0;
}

export interface ScenarioOptions {
  readonly sourcesYaml?: string;
}

export async function createScenario(
  redis: PrivateRedis,
  postgres: PrivatePostgres,
  options: ScenarioOptions = {},
): Promise<Scenario> {
  const prefix = testPrefix();
  const databaseUrl = postgres.url(`hookline_faults_${randomUUID().replaceAll('-', '')}`);
  await migrateDatabase(databaseUrl);
  const database = createDatabase(databaseUrl, { maxConnections: 5 });
  const connection = createWorkerConnection(redis.url);
  // The servers are killed on purpose: the reconnecting client must not crash the test.
  connection.on('error', () => {});
  const queue = createEventQueue(connection, { prefix });
  queue.on('error', () => {});
  const dir = mkdtempSync(join(tmpdir(), 'hookline-faults-'));
  const sourcesPath = join(dir, 'hookline.config.yaml');
  writeFileSync(sourcesPath, options.sourcesYaml ?? SOURCES_YAML);
  const roleOptions = { redisUrl: redis.url, prefix, sourcesPath };
  // Generous timeouts: the test enqueues thousands at once on a busy machine.
  const producer = createProducerConnection(redis.url, { commandTimeoutMs: 10_000 });
  producer.on('error', () => {});
  const producerQueue = createEventQueue(producer, { prefix });
  producerQueue.on('error', () => {});
  const enqueuer = createEnqueuer(producerQueue, producer, { timeoutMs: 10_000 });

  return {
    prefix,
    databaseUrl,
    database,
    connection,
    queue,
    sourcesPath,
    async enqueue(events) {
      const outcomes: EnqueueOutcome[] = [];
      for (let i = 0; i < events.length; i += 500) {
        outcomes.push(...(await Promise.all(events.slice(i, i + 500).map((event) => enqueuer.enqueue(event)))));
      }
      return outcomes;
    },
    startIngester: (env = {}) => startRole('ingester', { ...roleOptions, env }),
    startWorker: (env = {}) => startRole('worker', { ...roleOptions, databaseUrl, env }),
    async storedEvents() {
      const [row] = await database.sql<{ rows: number; distinct: number; processed: number }[]>`
        select count(*)::int as rows, count(distinct event_id)::int as distinct,
               count(processed_at)::int as processed
        from webhook_events`;
      return row ?? { rows: 0, distinct: 0, processed: 0 };
    },
    async storedEventIds() {
      const rows = await database.sql<{ event_id: string }[]>`select event_id from webhook_events`;
      return new Set(rows.map((row) => row.event_id));
    },
    async queueState() {
      const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'failed', 'completed');
      const stalled = await connection.scard(queue.toKey('stalled'));
      return {
        waiting: counts.waiting ?? 0,
        active: counts.active ?? 0,
        delayed: counts.delayed ?? 0,
        prioritized: counts.prioritized ?? 0,
        failed: counts.failed ?? 0,
        completed: counts.completed ?? 0,
        stalled,
      };
    },
    async close() {
      // Bounded: after a failed test Redis may still be down, and a close would wait for it.
      await Promise.race([Promise.allSettled([queue.close(), producerQueue.close()]), sleep(5000)]);
      connection.disconnect();
      producer.disconnect();
      await database.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

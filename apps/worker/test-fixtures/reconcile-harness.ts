import type { AddressInfo } from 'node:net';
import { parseSourcesConfig, resolveReconcileCredentials, type SourcesConfig } from '@hookline/core';
import { type Database, entityStates, webhookEvents } from '@hookline/db';
import { createTestDatabase, type TestDatabase } from '@hookline/db/testing';
import { buildApp } from '@hookline/ingester';
import {
  createEnqueuer,
  createEventQueue,
  createProducerConnection,
  createWorkerConnection,
  type EventQueue,
} from '@hookline/queue';
import { removePrefix, testPrefix, testRedisUrl } from '@hookline/queue/testing';
import { createLogger } from '@hookline/runtime';
import { and, eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import { startForwarder } from '../src/forwarding/forwarder.js';
import { noHandlers } from '../src/handlers/load-handlers.js';
import { createWorkerMetrics, type WorkerMetrics } from '../src/metrics.js';
import type { ReconcileDeps } from '../src/reconcile/reconcile-source.js';
import { buildWorker } from '../src/worker.js';

/**
 * Everything a reconciliation runs against, for real: a listening ingester, the events queue
 * on the test Redis under a prefix of its own, a worker storing into a database of its own.
 */
export interface ReconcileHarness {
  readonly config: SourcesConfig;
  readonly db: Database;
  readonly queue: EventQueue;
  readonly ingester: FastifyInstance;
  /** Where the ingester listens: `<ingesterUrl>/webhooks/<source>`. */
  readonly ingesterUrl: string;
  readonly metrics: WorkerMetrics;
  /** What `reconcileSource` needs, with the test's HTTP options. */
  deps(overrides?: Partial<ReconcileDeps>): ReconcileDeps;
  rows(source: string): Promise<(typeof webhookEvents.$inferSelect)[]>;
  entity(source: string, entityId: string): Promise<string | undefined>;
  /** Polls until `source` has `count` processed rows (fails after 30 s). */
  waitForProcessed(source: string, count: number): Promise<void>;
  close(): Promise<void>;
}

export async function startReconcileHarness(yaml: string, env: Record<string, string>): Promise<ReconcileHarness> {
  const parsed = parseSourcesConfig(yaml, env);
  if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
  const config = parsed.config;
  const credentials = resolveReconcileCredentials(config, env);
  if (!credentials.ok) throw new Error(credentials.problems.join('\n'));
  const database: TestDatabase = await createTestDatabase();
  const prefix = testPrefix();
  const logger = createLogger({ name: 'reconcile-test', level: 'silent' });
  const producer: Redis = createProducerConnection(testRedisUrl());
  const queue = createEventQueue(producer, { prefix, attempts: 3 });
  const enqueuer = createEnqueuer(queue, producer);
  const ingester = await buildApp({ config, enqueuer, logger });
  await ingester.listen({ port: 0, host: '127.0.0.1' });
  const { port } = ingester.server.address() as AddressInfo;

  const connection = createWorkerConnection(testRedisUrl());
  const metrics = createWorkerMetrics();
  const shared = { db: database.client.db, config, logger, metrics, connection, prefix, backoff: { baseMs: 20, capMs: 100 } };
  const forwarder = startForwarder({ ...shared, concurrency: 2 });
  const worker = buildWorker({ ...shared, handlers: noHandlers, forwards: forwarder.enqueuer, concurrency: 20 });
  const db = database.client.db;

  const rows = (source: string) => db.select().from(webhookEvents).where(eq(webhookEvents.source, source));
  return {
    config,
    db,
    queue,
    ingester,
    ingesterUrl: `http://127.0.0.1:${port}`,
    metrics,
    deps: (overrides = {}) => ({ db, config, credentials: credentials.credentials, enqueuer, logger, metrics, ...overrides }),
    rows,
    async entity(source, entityId) {
      const [row] = await db
        .select({ status: entityStates.status })
        .from(entityStates)
        .where(and(eq(entityStates.source, source), eq(entityStates.entityId, entityId)));
      return row?.status;
    },
    async waitForProcessed(source, count) {
      const deadline = Date.now() + 30_000;
      for (;;) {
        const processed = (await rows(source)).filter((row) => row.processedAt !== null).length;
        if (processed >= count) return;
        if (Date.now() > deadline) throw new Error(`timed out: ${processed} of ${count} events of ${source} processed`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    async close() {
      await worker.close();
      await forwarder.close();
      await ingester.close();
      await queue.close();
      await removePrefix(producer, prefix);
      await producer.quit();
      await connection.quit();
      await database.drop();
    },
  };
}

import { parseSourcesConfig, resolveReconcileCredentials, type SourcesConfig } from '@hookline/core';
import { type Database, entityStates, webhookEvents } from '@hookline/db';
import { createTestDatabase, type TestDatabase } from '@hookline/db/testing';
import { createIngesterRole, type IngesterRole, ingesterEnv } from '@hookline/ingester';
import { UNHURRIED } from '@hookline/ingester/testing';
import { createEnqueuer } from '@hookline/queue';
import { removePrefix, testPrefix, testRedisUrl } from '@hookline/queue/testing';
import { createLogger, type Logger, parseEnv } from '@hookline/runtime';
import { and, eq } from 'drizzle-orm';
import { workerEnv } from '../src/env.js';
import { noHandlers } from '../src/handlers/load-handlers.js';
import type { ReconcileDeps } from '../src/reconcile/reconcile-source.js';
import { createWorkerRole, type WorkerRole } from '../src/role.js';

/**
 * Everything a reconciliation runs against, for real and wired as `main.ts` wires it: a
 * listening ingester role and worker roles on the test Redis under a prefix of their own,
 * storing into a database of their own.
 */
export interface ReconcileHarness {
  readonly config: SourcesConfig;
  readonly db: Database;
  readonly databaseUrl: string;
  readonly prefix: string;
  readonly ingester: IngesterRole;
  /** The first worker role. */
  readonly worker: WorkerRole;
  /** Every worker role started, the first included. */
  readonly workers: readonly WorkerRole[];
  /** What `reconcileSource` needs: the worker's metrics, an enqueuer as the ingester's. */
  deps(overrides?: Partial<ReconcileDeps>): ReconcileDeps;
  /** Another worker replica on the same queues and database. */
  startWorker(): Promise<WorkerRole>;
  rows(source: string): Promise<(typeof webhookEvents.$inferSelect)[]>;
  entity(source: string, entityId: string): Promise<string | undefined>;
  /** Polls until `source` has `count` processed rows (fails after 30 s). */
  waitForProcessed(source: string, count: number): Promise<void>;
  close(): Promise<void>;
}

const logger = createLogger({ name: 'reconcile-test', level: 'silent' });
const shutdown = { abort: (reason: Error) => logger.error({ reason: reason.message }, 'role asked to stop') };

export async function startReconcileHarness(
  yaml: string,
  env: Record<string, string>,
  options: { reconcileHttp?: ReconcileDeps['http']; schedule?: boolean; workerLogger?: Logger } = {},
): Promise<ReconcileHarness> {
  const parsed = parseSourcesConfig(yaml, env);
  if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
  const config = parsed.config;
  const credentials = resolveReconcileCredentials(config, env);
  if (!credentials.ok) throw new Error(credentials.problems.join('\n'));
  const database: TestDatabase = await createTestDatabase();
  const prefix = testPrefix();
  const roleEnv = {
    REDIS_URL: testRedisUrl(),
    HOOKLINE_QUEUE_PREFIX: prefix,
    HOOKLINE_JOB_ATTEMPTS: '3',
    ...UNHURRIED,
    HOST: '127.0.0.1',
    PORT: '0',
  };
  const ingester = await createIngesterRole(parseEnv(ingesterEnv, roleEnv), { config, logger });
  await ingester.start(shutdown);
  const workers: WorkerRole[] = [];
  async function startWorker(): Promise<WorkerRole> {
    const workerSettings = {
      ...roleEnv,
      DATABASE_URL: database.url,
      WORKER_CONCURRENCY: '20',
      FORWARD_CONCURRENCY: '2',
      HOOKLINE_RETRY_BASE_MS: '20',
      HOOKLINE_RETRY_CAP_MS: '100',
    };
    const role = await createWorkerRole(parseEnv(workerEnv, workerSettings), {
      config,
      logger: workers.length === 0 ? (options.workerLogger ?? logger) : logger,
      handlers: noHandlers,
      credentials: credentials.ok ? credentials.credentials : new Map(),
      scheduleReconciliations: options.schedule ?? false,
      ...(options.reconcileHttp && { reconcileHttp: options.reconcileHttp }),
    });
    workers.push(role);
    await role.start(shutdown);
    return role;
  }
  const worker = await startWorker();
  const enqueuer = createEnqueuer(ingester.queue, ingester.connection);
  const db = database.client.db;
  const rows = (source: string) => db.select().from(webhookEvents).where(eq(webhookEvents.source, source));
  return {
    config,
    db,
    databaseUrl: database.url,
    prefix,
    ingester,
    worker,
    workers,
    deps: (overrides = {}) => ({
      db,
      config,
      credentials: credentials.credentials,
      enqueuer,
      logger,
      metrics: worker.metrics,
      ...overrides,
    }),
    startWorker,
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
      for (const role of workers) await role.close();
      await removePrefix(ingester.connection, prefix);
      await ingester.close();
      await database.drop();
    },
  };
}

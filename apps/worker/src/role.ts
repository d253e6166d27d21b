import { hostname } from 'node:os';
import type { SourcesConfig } from '@hookline/core';
import { createDatabase, type DatabaseClient } from '@hookline/db';
import {
  closeConnection,
  createEnqueuer,
  createEventQueue,
  createStatsPublisher,
  createWorkerConnection,
  eventQueueOptions,
  type StatsPublisher,
  watchRedisDurability,
} from '@hookline/queue';
import {
  closeInOrder,
  counterSamples,
  createTracing,
  durabilityPolicy,
  type Logger,
  loadRetentionSettings,
  type Role,
  type Tracing,
  tracingSettings,
  withSourceRedaction,
} from '@hookline/runtime';
import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import type { z } from 'zod';
import type { workerEnv } from './env.js';
import type { SweeperOptions } from './forwarding/forward-sweeper.js';
import { createForwarder, type Forwarder } from './forwarding/forwarder.js';
import type { HandlerRegistry } from './handlers/load-handlers.js';
import { buildHealthServer } from './health-server.js';
import { createWorkerMetrics, type WorkerMetrics } from './metrics.js';
import type { ReconcileDeps } from './reconcile/reconcile-source.js';
import { createReconciliation, type Reconciliation } from './reconcile/reconciliation.js';
import { createRetentionRunner, type RetentionRunner } from './retention/retention-runner.js';
import { runWorker } from './run-worker.js';
import { buildWorker, type EventWorker } from './worker.js';

export type WorkerEnv = z.infer<typeof workerEnv>;

export interface WorkerRoleDeps {
  readonly config: SourcesConfig;
  readonly logger: Logger;
  /** Each source's handlers, loaded before any connection opens (`loadHandlers`). */
  readonly handlers: HandlerRegistry;
  /** How often forwards left pending are looked for (tests shorten it). */
  readonly sweep?: SweeperOptions;
  /** The API token of each reconciled source (`resolveReconcileCredentials`). */
  readonly credentials?: ReadonlyMap<string, string>;
  /** Tests point reconciliations' waits elsewhere. */
  readonly reconcileHttp?: ReconcileDeps['http'];
  /** False: no scheduled runs, only operators' (tests that drive runs themselves). */
  readonly scheduleReconciliations?: boolean;
  /** Replaces the tracing the environment configures (tests export spans in memory). */
  readonly tracing?: Tracing;
}

export interface WorkerRole extends Role {
  readonly database: DatabaseClient;
  readonly connection: Redis;
  readonly metrics: WorkerMetrics;
  /** Publishes the processing counters for the admin's `/api/stats` every 5 s. */
  readonly stats: StatsPublisher;
  readonly events: EventWorker;
  readonly forwarder: Forwarder;
  /** The scheduled retention pass. */
  readonly retention: RetentionRunner;
  readonly health: FastifyInstance;
  /** Present when a source has a `reconcile` block. */
  readonly reconciliation?: Reconciliation;
  readonly tracing: Tracing;
}

/**
 * The worker, wired: its Postgres pool and Redis connection, the events worker, forwarding
 * (queue, worker, breaker, sweeper), the scheduled retention pass, metrics, stats publisher and
 * health server. Nothing runs until `start`. `close` ends a retention pass at its next batch,
 * stops taking jobs and lets active ones finish while their database is still there — events
 * first, since finishing one may enqueue forwards — then closes Postgres, and Redis last.
 */
export async function createWorkerRole(env: WorkerEnv, deps: WorkerRoleDeps): Promise<WorkerRole> {
  const log = withSourceRedaction(deps.logger, deps.config);
  // Before any connection opens: horizons that contradict each other stop the worker.
  const retentionSettings = loadRetentionSettings(deps.config, env);
  // At most one connection per concurrent job of either worker, plus one each for health checks,
  // the sweeper and reconciliation, and two for a retention pass (its lock and its statements);
  // capped, since plain events share transactions and Postgres refuses clients past its limit.
  const database = createDatabase(env.DATABASE_URL, {
    maxConnections: Math.min(env.WORKER_CONCURRENCY + env.FORWARD_CONCURRENCY + 5, env.HOOKLINE_DB_POOL_SIZE),
    applicationName: 'hookline-worker',
  });
  const connection = createWorkerConnection(env.REDIS_URL);
  connection.on('error', (err) => log.warn({ err: err.message }, 'redis connection error'));
  const metrics = createWorkerMetrics();
  const tracing = deps.tracing ?? createTracing(tracingSettings(env), { serviceName: 'hookline-worker' });
  const shared = {
    tracing,
    db: database.db,
    config: deps.config,
    logger: log,
    metrics,
    connection,
    prefix: env.HOOKLINE_QUEUE_PREFIX,
    backoff: { baseMs: env.HOOKLINE_RETRY_BASE_MS, capMs: env.HOOKLINE_RETRY_CAP_MS },
    lockDurationMs: env.HOOKLINE_LOCK_DURATION_MS,
    // Which process handled a job, on the job itself: an operator sees it in Bull Board.
    name: `${hostname()}-${process.pid}`,
  };
  const forwarder = createForwarder({
    ...shared,
    concurrency: env.FORWARD_CONCURRENCY,
    ...(deps.sweep && { sweep: deps.sweep }),
  });
  const events = buildWorker({
    ...shared,
    handlers: deps.handlers,
    forwards: forwarder.enqueuer,
    concurrency: env.WORKER_CONCURRENCY,
    batchWaitMs: env.HOOKLINE_BATCH_WAIT_MS,
  });
  const stats = createStatsPublisher(connection, {
    prefix: env.HOOKLINE_QUEUE_PREFIX,
    read: async () => [
      ...(await counterSamples(metrics.processed, 'processed', 'outcome')),
      ...(await counterSamples(metrics.transitions, 'transition', 'transition')),
    ],
    onError: (err) => log.debug({ err: (err as Error).message }, 'stats not published; retried at the next flush'),
  });
  const reconciled = [...deps.config.sources.values()].some((source) => source.reconcile !== undefined);
  // What a reconciliation recovers is enqueued exactly as the ingester enqueues a delivery.
  const eventQueue = reconciled ? createEventQueue(connection, eventQueueOptions(env)) : undefined;
  const reconciliation =
    eventQueue &&
    createReconciliation({
      db: database.db,
      config: deps.config,
      credentials: deps.credentials ?? new Map(),
      enqueuer: createEnqueuer(eventQueue, connection, { timeoutMs: 10_000 }),
      logger: log,
      metrics,
      connection,
      prefix: env.HOOKLINE_QUEUE_PREFIX,
      schedule: deps.scheduleReconciliations ?? true,
      ...(deps.reconcileHttp && { http: deps.reconcileHttp }),
    });
  const retention = createRetentionRunner({
    database,
    connection,
    prefix: env.HOOKLINE_QUEUE_PREFIX,
    logger: log,
    metrics,
    settings: retentionSettings,
    name: shared.name,
    everyMs: env.HOOKLINE_RETENTION_EVERY_MINUTES * 60_000,
    batchSize: env.HOOKLINE_RETENTION_BATCH_SIZE,
    dutyCycle: env.HOOKLINE_RETENTION_DUTY_PERCENT / 100,
  });
  const health = await buildHealthServer({ db: database.db, connection, logger: log, registry: metrics.registry });
  let stopDurabilityWatch = () => {};

  return {
    database,
    connection,
    metrics,
    stats,
    events,
    forwarder,
    retention,
    health,
    ...(reconciliation && { reconciliation }),
    tracing,
    graceMs: env.HOOKLINE_SHUTDOWN_GRACE_MS,
    async start(shutdown) {
      stopDurabilityWatch = watchRedisDurability(
        connection,
        durabilityPolicy({ log, shutdown, requireNoEviction: env.HOOKLINE_REQUIRE_NOEVICTION }),
      );
      forwarder.start();
      runWorker(events, log);
      await reconciliation?.start();
      await retention.start();
      await health.listen({ port: env.PORT, host: env.HOST });
      log.info(
        {
          concurrency: env.WORKER_CONCURRENCY,
          forwardConcurrency: env.FORWARD_CONCURRENCY,
          sources: [...deps.config.sources.keys()],
          tracing: tracing.enabled,
          handlers: Object.fromEntries([...deps.handlers].map(([source, loaded]) => [source, loaded.map(({ path }) => path)])),
          reconciled: [...deps.config.sources.values()].flatMap((source) => (source.reconcile ? [source.name] : [])),
        },
        'worker ready',
      );
    },
    close: closeInOrder(log, [
      ['durability watch', () => stopDurabilityWatch()],
      // A pass stops at its next batch; what it left is the next pass's.
      ['retention', () => retention.close()],
      // A run in progress finishes (or is taken over as stalled by another replica): it may enqueue events.
      ...(reconciliation ? ([['reconcile worker', () => reconciliation.worker.close()]] as const) : []),
      ['events worker', () => events.close()],
      ['forwarder', () => forwarder.close()],
      ...(reconciliation
        ? ([['reconcile queues', () => Promise.all([reconciliation.queue.close(), eventQueue?.close()])]] as const)
        : []),
      ['stats', () => stats.close()],
      ['health', () => health.close()],
      ['postgres', () => database.close()],
      ['redis', () => closeConnection(connection)],
      // Last: the spans of the jobs finished while closing are exported too.
      ['tracing', () => tracing.shutdown()],
    ]),
  };
}

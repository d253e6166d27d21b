import type { SourcesConfig } from '@hookline/core';
import {
  closeConnection,
  createEnqueuer,
  createEventQueue,
  createProducerConnection,
  createStatsPublisher,
  type EventQueue,
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
  type Role,
  type Tracing,
  tracingSettings,
  withSourceRedaction,
} from '@hookline/runtime';
import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import type { z } from 'zod';
import { buildApp } from './app.js';
import type { ingesterEnv } from './env.js';
import { buildInternalApp } from './internal-app.js';
import { createIngesterMetrics, type IngesterMetrics } from './metrics.js';

export type IngesterEnv = z.infer<typeof ingesterEnv>;

const LISTEN_BACKLOG = 4096;

export interface IngesterRoleDeps {
  readonly config: SourcesConfig;
  readonly logger: Logger;
  /** The clock deliveries are stamped with (tests fix it). */
  readonly now?: () => number;
  /** Replaces the tracing the environment configures (tests export spans in memory). */
  readonly tracing?: Tracing;
}

export interface IngesterRole extends Role {
  readonly app: FastifyInstance;
  readonly queue: EventQueue;
  readonly connection: Redis;
  readonly metrics: IngesterMetrics;
  /** Publishes the request counters for the admin's `/api/stats` every 5 s. */
  readonly stats: StatsPublisher;
  readonly tracing: Tracing;
  /** Where it listens, once started (`PORT=0` picks a free port). */
  url(): string;
}

/**
 * The ingester, wired: its Redis connection, events queue, enqueuer, metrics, stats publisher
 * and HTTP app. `start` watches Redis's durability and listens; `close` stops accepting, lets
 * in-flight deliveries finish their enqueue, then lets go of Redis.
 */
export async function createIngesterRole(env: IngesterEnv, deps: IngesterRoleDeps): Promise<IngesterRole> {
  const log = withSourceRedaction(deps.logger, deps.config);
  const connection = createProducerConnection(env.REDIS_URL, { commandTimeoutMs: env.HOOKLINE_ENQUEUE_TIMEOUT_MS });
  connection.on('error', (err) => log.warn({ err: err.message }, 'redis connection error'));
  const queue = createEventQueue(connection, eventQueueOptions(env));
  queue.on('error', (err) => log.warn({ err: err.message }, 'queue error'));
  const enqueuer = createEnqueuer(queue, connection, { timeoutMs: env.HOOKLINE_ENQUEUE_TIMEOUT_MS });
  const metrics = createIngesterMetrics();
  const tracing = deps.tracing ?? createTracing(tracingSettings(env), { serviceName: 'hookline-ingester' });
  const app = await buildApp({
    tracing,
    config: deps.config,
    enqueuer,
    logger: log,
    bodyLimit: env.HOOKLINE_BODY_LIMIT_BYTES,
    requestTimeoutMs: env.HOOKLINE_REQUEST_TIMEOUT_MS,
    metrics,
    ...(deps.now && { now: deps.now }),
    internalRoutes: env.HOOKLINE_METRICS_PORT === undefined,
    trustProxy: env.HOOKLINE_TRUST_PROXY,
    maxInFlight: env.HOOKLINE_MAX_IN_FLIGHT,
    maxEventLoopDelayMs: env.HOOKLINE_MAX_EVENT_LOOP_DELAY_MS,
  });
  const internal =
    env.HOOKLINE_METRICS_PORT === undefined
      ? undefined
      : await buildInternalApp({ registry: metrics.registry, isReady: () => enqueuer.isReady(), logger: log });
  const stats = createStatsPublisher(connection, {
    prefix: env.HOOKLINE_QUEUE_PREFIX,
    read: () => counterSamples(metrics.requests, 'ingest', 'outcome'),
    onError: (err) => log.debug({ err: (err as Error).message }, 'stats not published; retried at the next flush'),
  });
  let stopDurabilityWatch = () => {};

  return {
    app,
    queue,
    connection,
    metrics,
    stats,
    tracing,
    graceMs: env.HOOKLINE_SHUTDOWN_GRACE_MS,
    url() {
      const address = app.server.address();
      if (address === null || typeof address === 'string') throw new Error('the ingester is not listening');
      return `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
    },
    async start(shutdown) {
      stopDurabilityWatch = watchRedisDurability(
        connection,
        durabilityPolicy({ log, shutdown, requireNoEviction: env.HOOKLINE_REQUIRE_NOEVICTION }),
      );
      if (internal !== undefined) await internal.listen({ port: env.HOOKLINE_METRICS_PORT, host: env.HOST });
      // A spike of senders opening connections at once must wait in the accept queue, not be
      // dropped: past Node's default of 511 the kernel drops the SYN, and the sender retries it
      // only after 1 s, then 3 s (the bench's 1 s ack tail). The kernel caps this at somaxconn.
      await app.listen({ port: env.PORT, host: env.HOST, backlog: LISTEN_BACKLOG });
      log.info({ sources: [...deps.config.sources.keys()], tracing: tracing.enabled }, 'ingester ready');
    },
    close: closeInOrder(log, [
      ['durability watch', () => stopDurabilityWatch()],
      ['http', () => app.close()],
      ...(internal === undefined ? [] : [['internal http', () => internal.close()] as const]),
      ['stats', () => stats.close()],
      ['queue', () => queue.close()],
      ['redis', () => closeConnection(connection)],
      // Last: the spans of the deliveries answered while closing are exported too.
      ['tracing', () => tracing.shutdown()],
    ]),
  };
}

import type { StatusRules } from '@hookline/core';
import { createDatabase, type DatabaseClient } from '@hookline/db';
import {
  closeConnection,
  createAdminConnection,
  createEventQueue,
  createReconcileQueue,
  createWorkerConnection,
  type EventQueue,
  eventQueueOptions,
  RECONCILE_QUEUE,
} from '@hookline/queue';
import { closeInOrder, type Logger, type Role } from '@hookline/runtime';
import { QueueEvents } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import type { z } from 'zod';
import { buildApp } from './app.js';
import type { adminEnv } from './env.js';

export type AdminEnv = z.infer<typeof adminEnv>;

export interface AdminRoleDeps {
  /** Each configured source's status rules (undefined when it tracks no status). */
  readonly rules: ReadonlyMap<string, StatusRules | undefined>;
  /** Sources with a `reconcile` block, which operators may reconcile through the admin. */
  readonly reconciled?: ReadonlySet<string>;
  /** How long `POST /api/sources/:source/reconcile` waits for the worker's report (default 25 s). */
  readonly reconcileWaitMs?: number;
  readonly logger: Logger;
}

export interface AdminRole extends Role {
  readonly app: FastifyInstance;
  readonly database: DatabaseClient;
  readonly queue: EventQueue;
  readonly connection: Redis;
}

/**
 * The admin, wired: its Postgres pool, Redis connection, events queue (for replays and Bull
 * Board) and HTTP app. `close` stops serving, then lets go of Postgres, and Redis last.
 */
export async function createAdminRole(env: AdminEnv, deps: AdminRoleDeps): Promise<AdminRole> {
  const log = deps.logger;
  const database = createDatabase(env.DATABASE_URL, { maxConnections: 5, applicationName: 'hookline-admin' });
  const connection = createAdminConnection(env.REDIS_URL);
  connection.on('error', (err) => log.warn({ err: err.message }, 'redis connection error'));
  const queue = createEventQueue(connection, eventQueueOptions(env));
  queue.on('error', (err) => log.warn({ err: err.message }, 'queue error'));
  const reconciled = deps.reconciled ?? new Set<string>();
  const reconcileQueue =
    reconciled.size > 0 ? createReconcileQueue(connection, { prefix: env.HOOKLINE_QUEUE_PREFIX }) : undefined;
  // Waiting for a run's report reads BullMQ's event stream with blocking reads: its own connection.
  const reconcileEvents =
    reconcileQueue &&
    new QueueEvents(RECONCILE_QUEUE, { connection: createWorkerConnection(env.REDIS_URL), prefix: env.HOOKLINE_QUEUE_PREFIX });
  reconcileQueue?.on('error', (err) => log.warn({ err: err.message }, 'reconcile queue error'));
  reconcileEvents?.on('error', (err) => log.warn({ err: err.message }, 'reconcile events error'));
  const app = await buildApp({
    db: database.db,
    queue,
    connection,
    queuePrefix: env.HOOKLINE_QUEUE_PREFIX,
    rules: deps.rules,
    readOnly: env.HOOKLINE_ADMIN_READ_ONLY,
    logger: log,
    adminToken: env.HOOKLINE_ADMIN_TOKEN,
    namedTokens: env.HOOKLINE_ADMIN_TOKENS,
    viewerTokens: env.HOOKLINE_ADMIN_VIEWER_TOKENS,
    ...(reconcileQueue &&
      reconcileEvents && {
        reconcile: {
          sources: reconciled,
          queue: reconcileQueue,
          events: reconcileEvents,
          waitMs: deps.reconcileWaitMs ?? 25_000,
        },
      }),
  });

  return {
    app,
    database,
    queue,
    connection,
    graceMs: env.HOOKLINE_SHUTDOWN_GRACE_MS,
    async start() {
      await app.listen({ port: env.PORT, host: env.HOST });
      log.info(
        {
          readOnly: env.HOOKLINE_ADMIN_READ_ONLY,
          tokens: ['admin', ...env.HOOKLINE_ADMIN_TOKENS.map((token) => token.name)],
          viewers: env.HOOKLINE_ADMIN_VIEWER_TOKENS.map((token) => token.name),
        },
        'admin ready',
      );
    },
    close: closeInOrder(log, [
      ['http', () => app.close()],
      ['reconcile events', () => reconcileEvents?.close()],
      ['queue', () => Promise.all([queue.close(), reconcileQueue?.close()])],
      ['postgres', () => database.close()],
      ['redis', () => closeConnection(connection)],
    ]),
  };
}

import type { Database } from '@hookline/db';
import { answersWithin, closeIdleConnectionsWhileClosing, healthRoutes, type Logger, metricsRoute } from '@hookline/runtime';
import { sql } from 'drizzle-orm';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import type { Redis } from 'ioredis';
import type { Registry } from 'prom-client';

/** `/healthz`, `/readyz` (Redis and Postgres both answer) and `/metrics` on the worker's own port. */
export async function buildHealthServer(deps: {
  db: Database;
  connection: Redis;
  logger: Logger;
  registry: Registry;
}): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
  });
  closeIdleConnectionsWhileClosing(app);
  await app.register(healthRoutes, {
    isReady: () => answersWithin([deps.connection.ping(), deps.db.execute(sql`select 1`)]),
  });
  await app.register(metricsRoute, { registry: deps.registry });
  return app;
}

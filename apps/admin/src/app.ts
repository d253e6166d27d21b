import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import { createForwardQueue, createQueueDepthReader } from '@hookline/queue';
import {
  answersWithin,
  clientErrorHandler,
  closeIdleConnectionsWhileClosing,
  frameworkErrors,
  healthRoutes,
  installErrorContract,
  type Logger,
} from '@hookline/runtime';
import { sql } from 'drizzle-orm';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { installAuth } from './auth.js';
import { registerBullBoard } from './bull-board.js';
import { installCrossSiteProtection } from './cross-site.js';
import { explorerRoutes } from './explorer/routes.js';
import { type AdminMetrics, createAdminMetrics } from './metrics.js';
import { entityRoutes } from './routes/entities.js';
import { eventRoutes } from './routes/events.js';
import { failedRoutes } from './routes/failed.js';
import { type ReconcileRequests, reconcileRoutes } from './routes/reconcile.js';
import { statsRoutes } from './routes/stats.js';
import { storageRoutes } from './routes/storage.js';
import type { AdminServices } from './services.js';
import { createTokenMatcher, DEFAULT_TOKEN_NAME, type NamedToken } from './tokens.js';

export interface AdminDeps extends AdminServices {
  readonly logger: Logger;
  /** `HOOKLINE_ADMIN_TOKEN`, recorded as `admin`. */
  readonly adminToken: string;
  /** Further named tokens: the name is who the audit trail records. */
  readonly namedTokens?: readonly NamedToken[];
  /** Named tokens that may only read. */
  readonly viewerTokens?: readonly NamedToken[];
  readonly metrics?: AdminMetrics;
  /** Present when a source has a `reconcile` block: operators' reconciliations. */
  readonly reconcile?: ReconcileRequests;
}

/** The admin's HTTP app, not yet listening: tests call `inject` on it. */
export async function buildApp(deps: AdminDeps): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    // Bull Board polls every few seconds per open tab: request lines would drown the log.
    // Operator actions are logged by their routes, with who did them.
    logController: new LogController({ disableRequestLogging: true }),
    return503OnClosing: true,
    clientErrorHandler: clientErrorHandler(deps.logger),
    frameworkErrors: frameworkErrors(),
  });
  closeIdleConnectionsWhileClosing(app);
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorContract(app);
  installCrossSiteProtection(app);
  const viewers = deps.viewerTokens ?? [];
  installAuth(
    app,
    createTokenMatcher([{ name: DEFAULT_TOKEN_NAME, token: deps.adminToken }, ...(deps.namedTokens ?? []), ...viewers]),
    new Set(viewers.map(({ name }) => name)),
  );

  const metrics = deps.metrics ?? createAdminMetrics(createQueueDepthReader(deps.queue, deps.connection));
  // Registered before the OpenAPI plugin, so the probes stay out of the API's documentation.
  await app.register(healthRoutes, {
    isReady: () => answersWithin([deps.connection.ping(), deps.db.execute(sql`select 1`)]),
  });
  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
    await metrics.refresh();
    return reply.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });

  await app.register(fastifySwagger, {
    openapi: {
      info: {
        title: 'Hookline admin API',
        description: 'Events, entities, replay, operator overrides, failed-job retry and stats.',
        version: '1',
      },
      components: {
        securitySchemes: { bearer: { type: 'http', scheme: 'bearer' }, basic: { type: 'http', scheme: 'basic' } },
      },
      security: [{ bearer: [] }, { basic: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs' });

  const services: AdminServices = {
    db: deps.db,
    queue: deps.queue,
    connection: deps.connection,
    queuePrefix: deps.queuePrefix,
    rules: deps.rules,
    readOnly: deps.readOnly,
  };
  await app.register(eventRoutes, services);
  await app.register(entityRoutes, services);
  await app.register(failedRoutes, services);
  await app.register(statsRoutes, services);
  await app.register(reconcileRoutes(deps.reconcile), services);
  await app.register(storageRoutes, services);
  await app.register(explorerRoutes, services);
  // Forwarding's own queue, shown beside the events: pending, delivered and failed forwards.
  const forwardQueue = createForwardQueue(deps.connection, { prefix: deps.queuePrefix });
  app.addHook('onClose', () => forwardQueue.close());
  await registerBullBoard(
    app,
    [
      { queue: deps.queue, description: 'Verified deliveries waiting for, or kept after, the worker' },
      { queue: forwardQueue, description: 'Signed forwards of stored events to your services: pending, delivered, failed' },
      ...(deps.reconcile
        ? [{ queue: deps.reconcile.queue, description: "Reconciliations against providers' APIs: scheduled and operators'" }]
        : []),
    ],
    deps.readOnly,
  );
  return app;
}

import { closeIdleConnectionsWhileClosing, healthRoutes, type Logger, metricsRoute } from '@hookline/runtime';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyPluginAsync, LogController } from 'fastify';
import type { Registry } from 'prom-client';

export interface InternalRoutesOptions {
  readonly registry: Registry;
  /** True when Redis answers. */
  readonly isReady: () => Promise<boolean>;
}

/** `/healthz`, `/readyz` and `/metrics`: what probes and Prometheus read, not senders. */
export const internalRoutes: FastifyPluginAsync<InternalRoutesOptions> = async (app, options) => {
  await app.register(healthRoutes, { isReady: options.isReady });
  await app.register(metricsRoute, { registry: options.registry });
};

/**
 * The ingester's internal port (`HOOKLINE_METRICS_PORT`): its probes and metrics, kept off the
 * public port so that senders and scanners on the internet read neither.
 */
export async function buildInternalApp(options: InternalRoutesOptions & { readonly logger: Logger }): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: options.logger as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
  });
  closeIdleConnectionsWhileClosing(app);
  await app.register(internalRoutes, options);
  return app;
}

import type { FastifyPluginAsync } from 'fastify';

export interface HealthRoutesOptions {
  /** True when the role's dependencies answer. */
  readonly isReady: () => Promise<boolean>;
}

/** `/healthz`: the process is alive. `/readyz`: it can do its work (send traffic here). */
export const healthRoutes: FastifyPluginAsync<HealthRoutesOptions> = async (app, options) => {
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    const ready = await options.isReady();
    return reply.status(ready ? 200 : 503).send({ status: ready ? 'ready' : 'unavailable' });
  });
};

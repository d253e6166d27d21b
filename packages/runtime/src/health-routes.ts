import type { FastifyPluginAsync } from 'fastify';

export interface HealthRoutesOptions {
  /** True when the role's dependencies answer; without it only `/healthz` is served. */
  readonly isReady?: () => Promise<boolean>;
}

/**
 * True when every check resolves within `timeoutMs`: a dependency that hangs is as unready
 * as one that refuses, and a probe must not hang with it.
 */
export async function answersWithin(checks: readonly Promise<unknown>[], timeoutMs = 1000): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('timeout')), timeoutMs);
  });
  try {
    await Promise.race([Promise.all(checks), deadline]);
    return true;
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

/** `/healthz`: the process is alive. `/readyz`: it can do its work (send traffic here). */
export const healthRoutes: FastifyPluginAsync<HealthRoutesOptions> = async (app, options) => {
  app.get('/healthz', async () => ({ status: 'ok' }));
  const { isReady } = options;
  if (isReady === undefined) return;
  app.get('/readyz', async (_request, reply) => {
    const ready = await isReady();
    return reply.status(ready ? 200 : 503).send({ status: ready ? 'ready' : 'unavailable' });
  });
};

import { dirname, resolve } from 'node:path';
import { createDatabase } from '@hookline/db';
import { createStatsPublisher, createWorkerConnection, watchRedisDurability } from '@hookline/queue';
import { counterSamples, durabilityPolicy, loadSourcesConfig, onShutdown, parseEnv, runMain } from '@hookline/runtime';
import { workerEnv } from './env.js';
import { startForwarder } from './forwarding/forwarder.js';
import { loadHandlers } from './handlers/load-handlers.js';
import { buildHealthServer } from './health-server.js';
import { createWorkerMetrics } from './metrics.js';
import { buildWorker } from './worker.js';

await runMain('worker', process.env, async (log) => {
  const env = parseEnv(workerEnv, process.env);
  const config = loadSourcesConfig(env.HOOKLINE_CONFIG, process.env);
  // Before any connection opens: a missing handler stops the worker with nothing to clean up.
  const handlers = await loadHandlers(config, dirname(resolve(env.HOOKLINE_CONFIG)));
  // One connection per concurrent job of either worker, plus one for health checks and one for the sweeper.
  const database = createDatabase(env.DATABASE_URL, {
    maxConnections: env.WORKER_CONCURRENCY + env.FORWARD_CONCURRENCY + 2,
    applicationName: 'hookline-worker',
  });
  const connection = createWorkerConnection(env.REDIS_URL);
  connection.on('error', (err) => log.warn({ err: err.message }, 'redis connection error'));

  const metrics = createWorkerMetrics();
  const backoff = { baseMs: env.HOOKLINE_RETRY_BASE_MS, capMs: env.HOOKLINE_RETRY_CAP_MS };
  const shared = { db: database.db, config, logger: log, metrics, connection, prefix: env.HOOKLINE_QUEUE_PREFIX, backoff };
  const forwarder = startForwarder({
    ...shared,
    concurrency: env.FORWARD_CONCURRENCY,
    lockDurationMs: env.HOOKLINE_LOCK_DURATION_MS,
  });
  const worker = buildWorker({
    ...shared,
    handlers,
    forwards: forwarder.enqueuer,
    concurrency: env.WORKER_CONCURRENCY,
    lockDurationMs: env.HOOKLINE_LOCK_DURATION_MS,
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
  const health = await buildHealthServer({ db: database.db, connection, logger: log, registry: metrics.registry });

  const shutdown = onShutdown(log, env.HOOKLINE_SHUTDOWN_GRACE_MS, async () => {
    stopDurabilityWatch();
    // Order matters: stop taking jobs and finish active ones before their database goes away;
    // events first, since finishing one may enqueue forwards.
    await worker.close();
    await forwarder.close();
    await stats.close();
    await health.close();
    await database.close();
    await connection.quit();
  });
  const stopDurabilityWatch = watchRedisDurability(
    connection,
    durabilityPolicy({ log, shutdown, requireNoEviction: env.HOOKLINE_REQUIRE_NOEVICTION }),
  );
  await health.listen({ port: env.PORT, host: env.HOST });
  log.info(
    {
      concurrency: env.WORKER_CONCURRENCY,
      forwardConcurrency: env.FORWARD_CONCURRENCY,
      sources: [...config.sources.keys()],
      handlers: Object.fromEntries([...handlers].map(([source, loaded]) => [source, loaded.map(({ path }) => path)])),
    },
    'worker ready',
  );
});

import {
  createEnqueuer,
  createEventQueue,
  createProducerConnection,
  createStatsPublisher,
  retentionOptions,
  watchRedisDurability,
} from '@hookline/queue';
import { counterSamples, durabilityPolicy, loadSourcesConfig, onShutdown, parseEnv, runMain } from '@hookline/runtime';
import { buildApp } from './app.js';
import { ingesterEnv } from './env.js';
import { createIngesterMetrics } from './metrics.js';

await runMain('ingester', process.env, async (log) => {
  const env = parseEnv(ingesterEnv, process.env);
  const config = loadSourcesConfig(env.HOOKLINE_CONFIG, process.env);
  const connection = createProducerConnection(env.REDIS_URL, { commandTimeoutMs: env.HOOKLINE_ENQUEUE_TIMEOUT_MS });
  connection.on('error', (err) => log.warn({ err: err.message }, 'redis connection error'));
  const queue = createEventQueue(connection, { prefix: env.HOOKLINE_QUEUE_PREFIX, ...retentionOptions(env) });
  queue.on('error', (err) => log.warn({ err: err.message }, 'queue error'));
  const enqueuer = createEnqueuer(queue, connection, { timeoutMs: env.HOOKLINE_ENQUEUE_TIMEOUT_MS });
  const metrics = createIngesterMetrics();
  const app = await buildApp({
    config,
    enqueuer,
    logger: log,
    bodyLimit: env.HOOKLINE_BODY_LIMIT_BYTES,
    requestTimeoutMs: env.HOOKLINE_REQUEST_TIMEOUT_MS,
    metrics,
  });
  const stats = createStatsPublisher(connection, {
    prefix: env.HOOKLINE_QUEUE_PREFIX,
    read: () => counterSamples(metrics.requests, 'ingest', 'outcome'),
    onError: (err) => log.debug({ err: (err as Error).message }, 'stats not published; retried at the next flush'),
  });

  const shutdown = onShutdown(log, env.HOOKLINE_SHUTDOWN_GRACE_MS, async () => {
    stopDurabilityWatch();
    // Stop accepting, let in-flight deliveries finish their enqueue, then drop Redis.
    await app.close();
    await stats.close();
    await queue.close();
    await connection.quit();
  });
  const stopDurabilityWatch = watchRedisDurability(
    connection,
    durabilityPolicy({ log, shutdown, requireNoEviction: env.HOOKLINE_REQUIRE_NOEVICTION }),
  );
  await app.listen({ port: env.PORT, host: env.HOST });
  log.info({ sources: [...config.sources.keys()] }, 'ingester ready');
});

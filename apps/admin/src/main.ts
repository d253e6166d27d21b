import { createDatabase } from '@hookline/db';
import { createAdminConnection, createEventQueue, retentionOptions } from '@hookline/queue';
import { loadStatusRules, onShutdown, parseEnv, runMain } from '@hookline/runtime';
import { buildApp } from './app.js';
import { adminEnv } from './env.js';

await runMain('admin', process.env, async (log) => {
  const env = parseEnv(adminEnv, process.env);
  const rules = loadStatusRules(env.HOOKLINE_CONFIG);
  const database = createDatabase(env.DATABASE_URL, { maxConnections: 5, applicationName: 'hookline-admin' });
  const connection = createAdminConnection(env.REDIS_URL);
  connection.on('error', (err) => log.warn({ err: err.message }, 'redis connection error'));
  const queue = createEventQueue(connection, { prefix: env.HOOKLINE_QUEUE_PREFIX, ...retentionOptions(env) });
  queue.on('error', (err) => log.warn({ err: err.message }, 'queue error'));

  const app = await buildApp({
    db: database.db,
    queue,
    connection,
    queuePrefix: env.HOOKLINE_QUEUE_PREFIX,
    rules,
    readOnly: env.HOOKLINE_ADMIN_READ_ONLY,
    logger: log,
    adminToken: env.HOOKLINE_ADMIN_TOKEN,
    namedTokens: env.HOOKLINE_ADMIN_TOKENS,
  });

  onShutdown(log, env.HOOKLINE_SHUTDOWN_GRACE_MS, async () => {
    await app.close();
    await queue.close();
    await database.close();
    await connection.quit();
  });
  await app.listen({ port: env.PORT, host: env.HOST });
  log.info(
    { readOnly: env.HOOKLINE_ADMIN_READ_ONLY, tokens: ['admin', ...env.HOOKLINE_ADMIN_TOKENS.map((token) => token.name)] },
    'admin ready',
  );
});

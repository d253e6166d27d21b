import { dirname, resolve } from 'node:path';
import { loadReconcileCredentials, loadSourcesConfig, parseEnv, runRole } from '@hookline/runtime';
import { workerEnv } from './env.js';
import { loadHandlers } from './handlers/load-handlers.js';
import { createWorkerRole } from './role.js';

await runRole('worker', process.env, async (logger) => {
  const env = parseEnv(workerEnv, process.env);
  const config = loadSourcesConfig(env.HOOKLINE_CONFIG, process.env);
  const credentials = loadReconcileCredentials(env.HOOKLINE_CONFIG, config, process.env);
  // Before any connection opens: a missing handler stops the worker with nothing to clean up.
  const handlers = await loadHandlers(config, dirname(resolve(env.HOOKLINE_CONFIG)));
  return createWorkerRole(env, { config, logger, handlers, credentials });
});

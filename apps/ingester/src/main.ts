import { loadSourcesConfig, parseEnv, runRole } from '@hookline/runtime';
import { ingesterEnv } from './env.js';
import { createIngesterRole } from './role.js';

await runRole('ingester', process.env, async (logger) => {
  const env = parseEnv(ingesterEnv, process.env);
  return createIngesterRole(env, { config: loadSourcesConfig(env.HOOKLINE_CONFIG, process.env), logger });
});

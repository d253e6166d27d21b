import { loadReconciledSources, loadStatusRules, parseEnv, runRole } from '@hookline/runtime';
import { adminEnv } from './env.js';
import { createAdminRole } from './role.js';

await runRole('admin', process.env, async (logger) => {
  const env = parseEnv(adminEnv, process.env);
  return createAdminRole(env, {
    rules: loadStatusRules(env.HOOKLINE_CONFIG),
    reconciled: loadReconciledSources(env.HOOKLINE_CONFIG),
    logger,
  });
});

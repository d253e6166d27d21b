import { readFileSync } from 'node:fs';
import { createDatabase, runRetentionPass } from '@hookline/db';
import {
  ConfigError,
  commonEnv,
  loadRetentionSettings,
  loadSourcesConfig,
  parseEnv,
  storageRetentionEnv,
} from '@hookline/runtime';
import { runCli } from './cli.js';

try {
  process.exitCode = await runCli(process.argv.slice(2), {
    env: process.env,
    loadConfig: () => loadSourcesConfig(process.env.HOOKLINE_CONFIG ?? './hookline.config.yaml', process.env),
    readFile: (path) => readFileSync(path),
    fetch,
    print: (line) => console.log(line),
    nowSeconds: () => Math.floor(Date.now() / 1000),
    async runRetention({ now, dryRun }) {
      const env = parseEnv(commonEnv.extend(storageRetentionEnv.shape), process.env);
      const policy = loadRetentionSettings(loadSourcesConfig(env.HOOKLINE_CONFIG, process.env), env);
      const database = createDatabase(env.DATABASE_URL, { maxConnections: 2, applicationName: 'hookline-cli' });
      try {
        return await runRetentionPass(database, { now, policy, dryRun });
      } finally {
        await database.close();
      }
    },
  });
} catch (error) {
  // A bad sources file, an unreadable body file or an unreachable ingester: say which, no stack.
  const cause = (error as Error).cause instanceof Error ? `: ${((error as Error).cause as Error).message}` : '';
  const problems = error instanceof ConfigError ? error.problems : [`${(error as Error).message}${cause}`];
  for (const problem of problems) console.error(problem);
  process.exitCode = 1;
}

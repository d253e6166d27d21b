import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { type PrivatePostgres, startPrivatePostgres } from './private-postgres.js';
import { type PrivateRedis, startPrivateRedis } from './private-redis.js';
import { cleanUpRoles } from './processes.js';
import { createScenario, type Scenario } from './scenario.js';
import { abandonStreams } from './sender.js';

export interface FaultServers {
  readonly redis: PrivateRedis;
  readonly postgres: PrivatePostgres;
  /** A fresh database, queue prefix and roles for the running test. */
  readonly scenario: Scenario;
}

/**
 * Registers the hooks a fault test file shares: a private Redis and Postgres for the file, a
 * scenario per test, and every role and sender stopped after it (their logs printed if it
 * failed). `restart` names the server a test kills: a failed test may have left it down.
 */
export function useFaultServers(options: { readonly restart?: 'redis' | 'postgres' } = {}): FaultServers {
  const servers = {} as { redis: PrivateRedis; postgres: PrivatePostgres; scenario: Scenario };
  beforeAll(async () => {
    [servers.redis, servers.postgres] = await Promise.all([startPrivateRedis(), startPrivatePostgres()]);
  });
  afterAll(async () => {
    await Promise.allSettled([servers.redis?.remove(), servers.postgres?.remove()]);
  });
  beforeEach(async () => {
    if (options.restart !== undefined) await servers[options.restart].start();
    servers.scenario = await createScenario(servers.redis, servers.postgres);
  });
  afterEach(async ({ task }) => {
    abandonStreams();
    await cleanUpRoles(task.result?.state === 'fail');
    await servers.scenario.close();
  });
  return servers;
}

import type { SourcesConfig } from '@hookline/core';
import type { EventQueue } from '@hookline/queue';
import { removePrefix, testPrefix, testRedisUrl } from '@hookline/queue/testing';
import { createLogger, type Logger, parseEnv } from '@hookline/runtime';
import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import { ingesterEnv } from './env.js';
import { createIngesterRole, type IngesterRole } from './role.js';

/** A real ingester role on the test Redis under a prefix of its own; `close` removes its keys. */
export interface TestIngester {
  readonly role: IngesterRole;
  readonly app: FastifyInstance;
  readonly queue: EventQueue;
  readonly connection: Redis;
  close(): Promise<void>;
}

export interface TestIngesterOptions {
  readonly config: SourcesConfig;
  readonly logger?: Logger;
  /** Settings as the environment would give them (`HOOKLINE_BODY_LIMIT_BYTES`, `REDIS_URL`, …). */
  readonly env?: Readonly<Record<string, string>>;
}

/**
 * Tests of anything but shedding must not depend on how busy the machine is: no shedding on
 * event-loop lag, and a generous wait for Redis. A shedding or outage test sets its own.
 */
export const UNHURRIED = { HOOKLINE_MAX_EVENT_LOOP_DELAY_MS: '0', HOOKLINE_ENQUEUE_TIMEOUT_MS: '5000' } as const;

/** The ingester as `main.ts` creates it, not listening: tests call `app.inject`. */
export async function startTestIngester(options: TestIngesterOptions): Promise<TestIngester> {
  const prefix = testPrefix();
  const env = parseEnv(ingesterEnv, { REDIS_URL: testRedisUrl(), HOOKLINE_QUEUE_PREFIX: prefix, ...UNHURRIED, ...options.env });
  const role = await createIngesterRole(env, {
    config: options.config,
    logger: options.logger ?? createLogger({ name: 'ingester-test', level: 'silent' }),
  });
  return {
    role,
    app: role.app,
    queue: role.queue,
    connection: role.connection,
    async close() {
      // A test may point the ingester at a Redis that is down: there is nothing to remove then.
      if (role.connection.status === 'ready') await removePrefix(role.connection, prefix);
      await role.close();
    },
  };
}

import { createEnqueuer, createEventQueue, createProducerConnection, type EventQueue } from '@hookline/queue';
import { removePrefix, testPrefix, testRedisUrl } from '@hookline/queue/testing';
import { createLogger, type Logger } from '@hookline/runtime';
import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import { buildApp, type IngesterDeps } from './app.js';

/** A real ingester on the test Redis under a prefix of its own; `close` removes its keys. */
export interface TestIngester {
  readonly app: FastifyInstance;
  readonly queue: EventQueue;
  readonly connection: Redis;
  close(): Promise<void>;
}

export async function startTestIngester(
  deps: Omit<IngesterDeps, 'enqueuer' | 'logger'> & { readonly logger?: Logger },
): Promise<TestIngester> {
  const prefix = testPrefix();
  const connection = createProducerConnection(testRedisUrl());
  const queue = createEventQueue(connection, { prefix });
  const app = await buildApp({
    ...deps,
    enqueuer: createEnqueuer(queue, connection),
    logger: deps.logger ?? createLogger({ name: 'ingester-test', level: 'silent' }),
  });
  return {
    app,
    queue,
    connection,
    async close() {
      await app.close();
      await queue.close();
      await removePrefix(connection, prefix);
      await connection.quit();
    },
  };
}

import { buildApp } from '@hookline/admin';
import { parseStatusRules } from '@hookline/core';
import { createAdminConnection, createEventQueue } from '@hookline/queue';
import { testRedisUrl } from '@hookline/queue/testing';
import { createLogger } from '@hookline/runtime';
import type { FastifyInstance } from 'fastify';
import { type Pipeline, SOURCES_YAML } from './harness.js';

export const ADMIN_TOKEN = 'e2e-admin-token-0123456789';
export const adminAuth = { authorization: `Bearer ${ADMIN_TOKEN}` };

export interface Admin {
  readonly app: FastifyInstance;
  close(): Promise<void>;
}

/** The real admin app on the pipeline's database and queue prefix. */
export async function startAdmin(
  pipeline: Pick<Pipeline, 'database' | 'prefix'>,
  options: { readOnly?: boolean } = {},
): Promise<Admin> {
  const rules = parseStatusRules(SOURCES_YAML);
  if (!rules.ok) throw new Error(rules.problems.join());
  const connection = createAdminConnection(testRedisUrl());
  const queue = createEventQueue(connection, { prefix: pipeline.prefix });
  const app = await buildApp({
    db: pipeline.database.client.db,
    queue,
    connection,
    queuePrefix: pipeline.prefix,
    rules: rules.rules,
    readOnly: options.readOnly ?? false,
    logger: createLogger({ name: 'e2e-admin', level: 'silent' }),
    adminToken: ADMIN_TOKEN,
  });
  return {
    app,
    async close() {
      await app.close();
      await queue.close();
      await connection.quit();
    },
  };
}

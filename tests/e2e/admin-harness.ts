import { adminEnv, createAdminRole } from '@hookline/admin';
import { parseStatusRules } from '@hookline/core';
import { createLogger, parseEnv } from '@hookline/runtime';
import type { FastifyInstance } from 'fastify';
import { type Pipeline, roleEnv, SOURCES_YAML } from './harness.js';

export const ADMIN_TOKEN = 'e2e-admin-token-0123456789';
export const adminAuth = { authorization: `Bearer ${ADMIN_TOKEN}` };

export interface Admin {
  readonly app: FastifyInstance;
  close(): Promise<void>;
}

/** The real admin role, as `main.ts` creates it, on the pipeline's database and queue prefix. */
export async function startAdmin(
  pipeline: Pick<Pipeline, 'database' | 'prefix'>,
  options: { readOnly?: boolean } = {},
): Promise<Admin> {
  const rules = parseStatusRules(SOURCES_YAML);
  if (!rules.ok) throw new Error(rules.problems.join());
  const env = parseEnv(adminEnv, {
    ...roleEnv(pipeline.prefix),
    DATABASE_URL: pipeline.database.url,
    HOOKLINE_ADMIN_TOKEN: ADMIN_TOKEN,
    HOOKLINE_ADMIN_READ_ONLY: String(options.readOnly ?? false),
  });
  const role = await createAdminRole(env, { rules: rules.rules, logger: createLogger({ name: 'e2e-admin', level: 'silent' }) });
  return { app: role.app, close: role.close };
}

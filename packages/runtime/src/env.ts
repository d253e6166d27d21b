import { formatPath } from '@hookline/core';
import { z } from 'zod';
import { ConfigError } from './config-error.js';
import { tracingEnv } from './tracing-env.js';

/** Variables every role reads; each app extends this with its own (PORT, …). */
export const commonEnv = z
  .object({
    REDIS_URL: z.string().url().default('redis://127.0.0.1:6379'),
    DATABASE_URL: z.string().url().default('postgres://postgres@127.0.0.1:5432/hookline'),
    HOOKLINE_CONFIG: z.string().min(1).default('./hookline.config.yaml'),
    HOOKLINE_QUEUE_PREFIX: z
      .string()
      .regex(/^[^:]+$/, 'must not contain ":"')
      .default('hookline'),
    // An enum, not z.coerce.boolean(): that would read the string "false" as true.
    HOOKLINE_REQUIRE_NOEVICTION: z
      .enum(['true', 'false'])
      .default('false')
      .transform((value) => value === 'true'),
    LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
  })
  .extend(tracingEnv.shape);

/** Parses the environment once, at start-up; throws a ConfigError naming every bad key. */
export function parseEnv<T extends z.ZodType>(schema: T, env: NodeJS.ProcessEnv): Readonly<z.infer<T>> {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${formatPath(issue.path)}: ${issue.message}`));
  }
  return Object.freeze(parsed.data);
}

import { retentionEnv } from '@hookline/queue';
import { commonEnv } from '@hookline/runtime';
import { z } from 'zod';
import { DEFAULT_BODY_LIMIT, DEFAULT_REQUEST_TIMEOUT_MS } from './app.js';

export const ingesterEnv = commonEnv.extend(retentionEnv.shape).extend({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  /** When set, `/metrics` and `/readyz` move to this port (same HOST) and leave the public one. */
  HOOKLINE_METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  HOOKLINE_BODY_LIMIT_BYTES: z.coerce.number().int().positive().default(DEFAULT_BODY_LIMIT),
  HOOKLINE_REQUEST_TIMEOUT_MS: z.coerce.number().int().positive().default(DEFAULT_REQUEST_TIMEOUT_MS),
  HOOKLINE_ENQUEUE_TIMEOUT_MS: z.coerce.number().int().positive().default(1000),
  HOOKLINE_SHUTDOWN_GRACE_MS: z.coerce.number().int().positive().default(10_000),
});

import { retentionEnv } from '@hookline/queue';
import { commonEnv } from '@hookline/runtime';
import { z } from 'zod';
import { DEFAULT_BODY_LIMIT, DEFAULT_MAX_EVENT_LOOP_DELAY_MS, DEFAULT_MAX_IN_FLIGHT, DEFAULT_REQUEST_TIMEOUT_MS } from './app.js';

export const ingesterEnv = commonEnv.extend(retentionEnv.shape).extend({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  /** When set, `/metrics` and `/readyz` move to this port (same HOST) and leave the public one. */
  HOOKLINE_METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  /**
   * Which proxies' `X-Forwarded-For` to believe, as Fastify's `trustProxy`: `false` (the socket's
   * address is the client), `true` (any proxy), or the proxies' addresses/CIDRs separated by commas. Behind a
   * load balancer or Ingress set it, or every sender shares the proxy's address-based limits.
   */
  HOOKLINE_TRUST_PROXY: z
    .string()
    .default('false')
    .transform((value): boolean | string[] => {
      if (value === 'false' || value === '') return false;
      if (value === 'true') return true;
      return value.split(',').map((entry) => entry.trim());
    }),
  /** Deliveries handled at once by one process; past it they are shed with 503 `overloaded`. */
  HOOKLINE_MAX_IN_FLIGHT: z.coerce.number().int().positive().default(DEFAULT_MAX_IN_FLIGHT),
  /** Mean event-loop delay (ms, over 100 ms samples) past which deliveries are shed; 0 turns it off. */
  HOOKLINE_MAX_EVENT_LOOP_DELAY_MS: z.coerce.number().int().nonnegative().default(DEFAULT_MAX_EVENT_LOOP_DELAY_MS),
  HOOKLINE_BODY_LIMIT_BYTES: z.coerce.number().int().positive().default(DEFAULT_BODY_LIMIT),
  HOOKLINE_REQUEST_TIMEOUT_MS: z.coerce.number().int().positive().default(DEFAULT_REQUEST_TIMEOUT_MS),
  HOOKLINE_ENQUEUE_TIMEOUT_MS: z.coerce.number().int().positive().default(1000),
  HOOKLINE_SHUTDOWN_GRACE_MS: z.coerce.number().int().positive().default(10_000),
});

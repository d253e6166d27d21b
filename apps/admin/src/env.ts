import { retentionEnv } from '@hookline/queue';
import { commonEnv } from '@hookline/runtime';
import { z } from 'zod';
import { parseNamedTokens } from './tokens.js';

const namedTokens = z
  .string()
  .default('')
  .transform((value, ctx) => {
    const parsed = parseNamedTokens(value);
    if (parsed.ok) return parsed.tokens;
    ctx.addIssue({ code: 'custom', message: parsed.problem });
    return z.NEVER;
  });

export const adminEnv = commonEnv.extend(retentionEnv.shape).extend({
  PORT: z.coerce.number().int().min(0).max(65535).default(3001),
  /** Loopback unless told otherwise: the admin can change what happens to every event. */
  HOST: z.string().default('127.0.0.1'),
  /** Required: the admin refuses to start without it. Its holder is recorded as `admin`. */
  HOOKLINE_ADMIN_TOKEN: z.string().trim().min(16, 'must be set, at least 16 characters'),
  /** Optional named tokens, `alice:<token>,bob:<token>`: the name is what the audit trail records. */
  HOOKLINE_ADMIN_TOKENS: namedTokens,
  /** Named tokens that may only read (GET/HEAD): viewers, and Prometheus scraping `/metrics`. */
  HOOKLINE_ADMIN_VIEWER_TOKENS: namedTokens,
  // An enum, not z.coerce.boolean(): that would read the string "false" as true.
  HOOKLINE_ADMIN_READ_ONLY: z
    .enum(['true', 'false'])
    .default('false')
    .transform((value) => value === 'true'),
  HOOKLINE_SHUTDOWN_GRACE_MS: z.coerce.number().int().positive().default(10_000),
});

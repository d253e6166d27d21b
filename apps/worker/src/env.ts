import { retentionEnv } from '@hookline/queue';
import { commonEnv, storageRetentionEnv } from '@hookline/runtime';
import { z } from 'zod';

// Job retention too: events a reconciliation recovers are enqueued by the worker, with the ingester's settings.
export const workerEnv = commonEnv
  .extend(retentionEnv.shape)
  .extend(storageRetentionEnv.shape)
  .extend({
    PORT: z.coerce.number().int().min(0).max(65535).default(3002),
    HOST: z.string().default('0.0.0.0'),
    WORKER_CONCURRENCY: z.coerce.number().int().positive().default(200),
    HOOKLINE_BATCH_WAIT_MS: z.coerce.number().int().nonnegative().default(5),
    /** Forwarding sends in flight: mostly waiting on other services, so cheap. */
    FORWARD_CONCURRENCY: z.coerce.number().int().positive().default(20),
    HOOKLINE_RETRY_BASE_MS: z.coerce.number().int().positive().default(1000),
    HOOKLINE_RETRY_CAP_MS: z.coerce
      .number()
      .int()
      .positive()
      .default(10 * 60 * 1000),
    HOOKLINE_LOCK_DURATION_MS: z.coerce.number().int().positive().default(30_000),
    HOOKLINE_SHUTDOWN_GRACE_MS: z.coerce.number().int().positive().default(30_000),
    /**
     * Most Postgres connections the worker opens. Jobs beyond it wait for a connection rather than
     * fail: Postgres refuses clients past `max_connections` (100 by default), shared by every replica.
     */
    HOOKLINE_DB_POOL_SIZE: z.coerce.number().int().min(4).default(60),
    /** Minutes between retention passes (one per interval across every replica); 0: none scheduled. */
    HOOKLINE_RETENTION_EVERY_MINUTES: z.coerce.number().int().nonnegative().default(60),
    /** Rows per retention statement: each is one short transaction. */
    HOOKLINE_RETENTION_BATCH_SIZE: z.coerce.number().int().min(100).max(100_000).default(2000),
    /** Share of a pass's time spent in statements: it rests between batches so the hot path keeps the rest. */
    HOOKLINE_RETENTION_DUTY_PERCENT: z.coerce.number().int().min(1).max(100).default(20),
  });

import { z } from 'zod';
import { defaultQueueOptions, type EventQueueOptions } from './event-queue.js';

const positive = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/**
 * How many attempts a job gets and how long finished jobs stay in Redis, read by every role
 * that adds jobs (the ingester, the admin's replays): job options are fixed when a job is added.
 */
export const retentionEnv = z.object({
  /** Also the edge dedupe window: a redelivery within it is answered `duplicate`. */
  HOOKLINE_COMPLETED_RETENTION_SECONDS: positive(defaultQueueOptions.completed.ageSeconds),
  HOOKLINE_COMPLETED_RETENTION_COUNT: positive(defaultQueueOptions.completed.count),
  /** Failed jobs wait here to be inspected and retried after a fix. */
  HOOKLINE_FAILED_RETENTION_SECONDS: positive(defaultQueueOptions.failed.ageSeconds),
  HOOKLINE_FAILED_RETENTION_COUNT: positive(defaultQueueOptions.failed.count),
  /** Processing attempts an event gets before it fails for good (Postgres outages use none). */
  HOOKLINE_JOB_ATTEMPTS: positive(defaultQueueOptions.attempts),
});

export function retentionOptions(env: z.infer<typeof retentionEnv>): Pick<EventQueueOptions, 'completed' | 'failed'> {
  return {
    completed: { ageSeconds: env.HOOKLINE_COMPLETED_RETENTION_SECONDS, count: env.HOOKLINE_COMPLETED_RETENTION_COUNT },
    failed: { ageSeconds: env.HOOKLINE_FAILED_RETENTION_SECONDS, count: env.HOOKLINE_FAILED_RETENTION_COUNT },
  };
}

/** The events queue's options as every role that adds jobs reads them from its environment. */
export function eventQueueOptions(
  env: z.infer<typeof retentionEnv> & { readonly HOOKLINE_QUEUE_PREFIX: string },
): EventQueueOptions {
  return { prefix: env.HOOKLINE_QUEUE_PREFIX, attempts: env.HOOKLINE_JOB_ATTEMPTS, ...retentionOptions(env) };
}

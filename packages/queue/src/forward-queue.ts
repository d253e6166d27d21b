import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { BACKOFF_TYPE, type Retention } from './event-queue.js';
import type { ForwardJob } from './forward-job.js';

/** Named before outbound code was called `forward*`; kept so that queued forwards survive an upgrade. */
export const FORWARDS_QUEUE = 'deliveries';

export interface ForwardQueueOptions {
  readonly prefix?: string;
  readonly completed?: Retention;
  readonly failed?: Retention;
}

// Completed forwards stay as long as completed events, for Bull Board; it is the forward's row,
// not its job, that stops a second send.
const defaults = {
  prefix: 'hookline',
  completed: { ageSeconds: 3600, count: 100_000 },
  failed: { ageSeconds: 7 * 24 * 3600, count: 50_000 },
} as const satisfies Required<ForwardQueueOptions>;

export type ForwardQueue = Queue<ForwardJob, unknown, string>;

/** The forwarding queue: one job per (event, destination), retried on its own schedule. */
export function createForwardQueue(connection: Redis, options: ForwardQueueOptions = {}): ForwardQueue {
  const settings = { ...defaults, ...options };
  return new Queue<ForwardJob, unknown, string>(FORWARDS_QUEUE, {
    connection,
    prefix: settings.prefix,
    defaultJobOptions: {
      backoff: { type: BACKOFF_TYPE },
      removeOnComplete: { age: settings.completed.ageSeconds, count: settings.completed.count },
      removeOnFail: { age: settings.failed.ageSeconds, count: settings.failed.count },
    },
  });
}

export interface ForwardToEnqueue extends ForwardJob {
  /** The message id: the job id, so adding the same forward twice makes one job. */
  readonly messageId: string;
  /** Sends before the forward fails for good. */
  readonly attempts: number;
}

/**
 * Adds forward jobs. BullMQ ignores an add whose job id exists in any state, so this is
 * safe to repeat: after a crash, on a duplicate of the event, and from the sweeper.
 */
export async function enqueueForwards(queue: ForwardQueue, forwards: readonly ForwardToEnqueue[]): Promise<void> {
  if (forwards.length === 0) return;
  await queue.addBulk(
    forwards.map(({ messageId, attempts, ...job }) => ({
      name: job.source,
      data: job,
      opts: { jobId: messageId, attempts },
    })),
  );
}

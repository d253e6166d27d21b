import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { DeliveryJob } from './delivery-job.js';
import { BACKOFF_TYPE, type Retention } from './event-queue.js';

export const DELIVERIES_QUEUE = 'deliveries';

export interface DeliveryQueueOptions {
  readonly prefix?: string;
  readonly completed?: Retention;
  readonly failed?: Retention;
}

// Completed jobs need not stay long: the delivery's row, not its job, is what stops a second send.
const defaults = {
  prefix: 'hookline',
  completed: { ageSeconds: 3600, count: 100_000 },
  failed: { ageSeconds: 7 * 24 * 3600, count: 50_000 },
} as const satisfies Required<DeliveryQueueOptions>;

export type DeliveryQueue = Queue<DeliveryJob, unknown, string>;

/** The forwarding queue: one job per (event, destination), retried on its own schedule. */
export function createDeliveryQueue(connection: Redis, options: DeliveryQueueOptions = {}): DeliveryQueue {
  const settings = { ...defaults, ...options };
  return new Queue<DeliveryJob, unknown, string>(DELIVERIES_QUEUE, {
    connection,
    prefix: settings.prefix,
    defaultJobOptions: {
      backoff: { type: BACKOFF_TYPE },
      removeOnComplete: { age: settings.completed.ageSeconds, count: settings.completed.count },
      removeOnFail: { age: settings.failed.ageSeconds, count: settings.failed.count },
    },
  });
}

export interface DeliveryToEnqueue extends DeliveryJob {
  /** The message id: the job id, so adding the same delivery twice makes one job. */
  readonly messageId: string;
  /** Sends before the delivery fails for good. */
  readonly attempts: number;
}

/**
 * Adds delivery jobs. BullMQ ignores an add whose job id exists in any state, so this is
 * safe to repeat: after a crash, on a duplicate of the event, and from the sweeper.
 */
export async function enqueueDeliveries(queue: DeliveryQueue, deliveries: readonly DeliveryToEnqueue[]): Promise<void> {
  if (deliveries.length === 0) return;
  await queue.addBulk(
    deliveries.map(({ messageId, attempts, ...job }) => ({
      name: job.source,
      data: job,
      opts: { jobId: messageId, attempts },
    })),
  );
}

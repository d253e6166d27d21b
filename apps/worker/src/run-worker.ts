import { BACKOFF_TYPE } from '@hookline/queue';
import type { Logger } from '@hookline/runtime';
import type { Worker, WorkerOptions } from 'bullmq';
import type { Redis } from 'ioredis';

/** What both of the worker role's BullMQ workers (events and forwards) are configured from. */
export interface QueueWorkerDeps {
  readonly connection: Redis;
  readonly prefix: string;
  readonly concurrency: number;
  /** How long a job's lock lasts before another worker may take it as stalled. */
  readonly lockDurationMs?: number;
  /** Recorded on every job it processes (`processedBy`, shown by Bull Board). */
  readonly name?: string;
}

/**
 * BullMQ options shared by the role's workers: created stopped (`runWorker` starts them, so a
 * role's `start` decides when work begins), and retried on Hookline's own schedule, `delayMs`.
 */
export function queueWorkerOptions(
  deps: QueueWorkerDeps,
  delayMs: (attemptsMade: number, error: Error | undefined) => number,
): WorkerOptions {
  return {
    connection: deps.connection,
    prefix: deps.prefix,
    concurrency: deps.concurrency,
    autorun: false,
    ...(deps.name !== undefined && { name: deps.name }),
    // A job cut short by a dead worker is taken over once its lock lapses.
    ...(deps.lockDurationMs !== undefined && { lockDuration: deps.lockDurationMs, stalledInterval: deps.lockDurationMs }),
    settings: {
      backoffStrategy: (attemptsMade, type, error) => {
        if (type !== BACKOFF_TYPE) throw new Error(`unknown backoff type ${type}`);
        return delayMs(attemptsMade, error);
      },
    },
  };
}

/**
 * Starts a BullMQ worker created with `autorun: false`. `run()` settles only when the worker
 * closes; a rejection there (Redis gone for good) is logged, never left unhandled.
 */
export function runWorker(worker: Worker, logger: Logger): void {
  if (worker.isRunning()) return;
  worker.run().catch((err: Error) => logger.error({ err: err.message, queue: worker.name }, 'worker stopped'));
}

import type { Logger } from '@hookline/runtime';
import type { Worker } from 'bullmq';

/**
 * Starts a BullMQ worker created with `autorun: false`. `run()` settles only when the worker
 * closes; a rejection there (Redis gone for good) is logged, never left unhandled.
 */
export function runWorker(worker: Worker, logger: Logger): void {
  if (worker.isRunning()) return;
  worker.run().catch((err: Error) => logger.error({ err: err.message, queue: worker.name }, 'worker stopped'));
}

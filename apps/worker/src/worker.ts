import { retryDelayMs } from '@hookline/core';
import { EVENTS_QUEUE, type EventJob } from '@hookline/queue';
import { Worker } from 'bullmq';
import { createBatcher } from './batcher.js';
import { logFinalFailures } from './final-failures.js';
import type { ProcessOutcome } from './process-event.js';
import { type ProcessorDeps, toProcessor } from './processor.js';
import { type QueueWorkerDeps, queueWorkerOptions } from './run-worker.js';

export interface WorkerDeps extends Omit<ProcessorDeps, 'batcher'>, QueueWorkerDeps {
  /** Longest a job waits for others to share its database transaction. */
  readonly batchWaitMs?: number;
}

export type EventWorker = Worker<EventJob, ProcessOutcome>;

/** The events worker, not yet running (`run()` starts it). `close()` stops taking jobs and waits for active ones. */
export function buildWorker(deps: WorkerDeps): EventWorker {
  // Up to half of the active jobs share one transaction, so that one batch gathers while the
  // other commits: a worker waiting on its own commit with every job in it takes no new jobs.
  const batcher = createBatcher(deps, { maxBatch: Math.ceil(deps.concurrency / 2), maxWaitMs: deps.batchWaitMs ?? 5 });
  const worker = new Worker<EventJob, ProcessOutcome>(
    EVENTS_QUEUE,
    toProcessor({ ...deps, batcher }),
    queueWorkerOptions(deps, (attemptsMade) => retryDelayMs(attemptsMade, deps.backoff)),
  );
  worker.on('error', (err) => deps.logger.warn({ err: err.message }, 'worker error'));
  logFinalFailures(worker, deps.logger, 'event');
  return worker;
}

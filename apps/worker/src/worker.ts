import { retryDelayMs } from '@hookline/core';
import { BACKOFF_TYPE, EVENTS_QUEUE, type EventJob } from '@hookline/queue';
import { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { createBatcher } from './batcher.js';
import { logFinalFailures } from './final-failures.js';
import type { ProcessOutcome } from './process-event.js';
import { type ProcessorDeps, toProcessor } from './processor.js';

export interface WorkerDeps extends Omit<ProcessorDeps, 'batcher'> {
  readonly connection: Redis;
  readonly prefix: string;
  readonly concurrency: number;
  /** Recorded on every job it processes (`processedBy`, shown by Bull Board). */
  readonly name?: string;
  /** How long a job's lock lasts before another worker may take it as stalled. */
  readonly lockDurationMs?: number;
  /** Longest a job waits for others to share its database transaction. */
  readonly batchWaitMs?: number;
}

export type EventWorker = Worker<EventJob, ProcessOutcome>;

/** The events worker, not yet running (`run()` starts it). `close()` stops taking jobs and waits for active ones. */
export function buildWorker(deps: WorkerDeps): EventWorker {
  // Up to `concurrency` active jobs share one transaction: the batch size follows the load.
  const batcher = createBatcher(deps, { maxBatch: deps.concurrency, maxWaitMs: deps.batchWaitMs ?? 5 });
  const worker = new Worker<EventJob, ProcessOutcome>(EVENTS_QUEUE, toProcessor({ ...deps, batcher }), {
    connection: deps.connection,
    prefix: deps.prefix,
    concurrency: deps.concurrency,
    autorun: false,
    ...(deps.name !== undefined && { name: deps.name }),
    ...(deps.lockDurationMs !== undefined && { lockDuration: deps.lockDurationMs, stalledInterval: deps.lockDurationMs }),
    settings: {
      backoffStrategy: (attemptsMade, type) => {
        if (type !== BACKOFF_TYPE) throw new Error(`unknown backoff type ${type}`);
        return retryDelayMs(attemptsMade, deps.backoff);
      },
    },
  });
  worker.on('error', (err) => deps.logger.warn({ err: err.message }, 'worker error'));
  logFinalFailures(worker, deps.logger, 'event');
  return worker;
}

import { forwardRetryDelayMs } from '@hookline/core';
import { FORWARDS_QUEUE, type ForwardJob } from '@hookline/queue';
import { Worker } from 'bullmq';
import { logFinalFailures } from '../final-failures.js';
import { type QueueWorkerDeps, queueWorkerOptions } from '../run-worker.js';
import { type ForwardDeps, type ForwardOutcome, RetryableForwardError, toForwardProcessor } from './forward-processor.js';

export interface ForwardWorkerDeps extends ForwardDeps, QueueWorkerDeps {}

export type ForwardWorker = Worker<ForwardJob, ForwardOutcome>;

/** The forwarding worker, not yet running (`run()` starts it). Each send is retried on its own schedule, honouring `Retry-After`. */
export function buildForwardWorker(deps: ForwardWorkerDeps): ForwardWorker {
  const worker = new Worker<ForwardJob, ForwardOutcome>(
    FORWARDS_QUEUE,
    toForwardProcessor(deps),
    queueWorkerOptions(deps, (attemptsMade, error) => {
      const retryAfterMs = error instanceof RetryableForwardError ? error.retryAfterMs : undefined;
      return forwardRetryDelayMs(attemptsMade, deps.backoff, retryAfterMs);
    }),
  );
  worker.on('error', (err) => deps.logger.warn({ err: err.message }, 'forward worker error'));
  logFinalFailures(worker, deps.logger, 'forward');
  return worker;
}

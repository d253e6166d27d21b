import { forwardRetryDelayMs } from '@hookline/core';
import { BACKOFF_TYPE, FORWARDS_QUEUE, type ForwardJob } from '@hookline/queue';
import { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { logFinalFailures } from '../final-failures.js';
import { type ForwardDeps, type ForwardOutcome, RetryableForwardError, toForwardProcessor } from './forward-processor.js';

export interface ForwardWorkerDeps extends ForwardDeps {
  readonly connection: Redis;
  readonly prefix: string;
  readonly concurrency: number;
  /** Recorded on every job it processes (`processedBy`, shown by Bull Board). */
  readonly name?: string;
  readonly lockDurationMs?: number;
}

export type ForwardWorker = Worker<ForwardJob, ForwardOutcome>;

/** The forwarding worker, not yet running (`run()` starts it). Each send is retried on its own schedule, honouring `Retry-After`. */
export function buildForwardWorker(deps: ForwardWorkerDeps): ForwardWorker {
  const worker = new Worker<ForwardJob, ForwardOutcome>(FORWARDS_QUEUE, toForwardProcessor(deps), {
    connection: deps.connection,
    prefix: deps.prefix,
    concurrency: deps.concurrency,
    autorun: false,
    ...(deps.name !== undefined && { name: deps.name }),
    // A send cut short by a dead worker is taken over once its lock lapses.
    ...(deps.lockDurationMs !== undefined && { lockDuration: deps.lockDurationMs, stalledInterval: deps.lockDurationMs }),
    settings: {
      backoffStrategy: (attemptsMade, type, err) => {
        if (type !== BACKOFF_TYPE) throw new Error(`unknown backoff type ${type}`);
        const retryAfterMs = err instanceof RetryableForwardError ? err.retryAfterMs : undefined;
        return forwardRetryDelayMs(attemptsMade, deps.backoff, retryAfterMs);
      },
    },
  });
  worker.on('error', (err) => deps.logger.warn({ err: err.message }, 'forward worker error'));
  logFinalFailures(worker, deps.logger, 'forward');
  return worker;
}

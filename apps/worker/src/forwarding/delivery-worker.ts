import { forwardRetryDelayMs } from '@hookline/core';
import { BACKOFF_TYPE, DELIVERIES_QUEUE, type DeliveryJob } from '@hookline/queue';
import { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { logFinalFailures } from '../final-failures.js';
import { type DeliveryDeps, type DeliveryOutcome, RetryableDeliveryError, toDeliveryProcessor } from './delivery-processor.js';

export interface DeliveryWorkerDeps extends DeliveryDeps {
  readonly connection: Redis;
  readonly prefix: string;
  readonly concurrency: number;
  readonly lockDurationMs?: number;
}

export type DeliveryWorker = Worker<DeliveryJob, DeliveryOutcome>;

/** The forwarding worker, already running. Each send is retried on its own schedule, honouring `Retry-After`. */
export function buildDeliveryWorker(deps: DeliveryWorkerDeps): DeliveryWorker {
  const worker = new Worker<DeliveryJob, DeliveryOutcome>(DELIVERIES_QUEUE, toDeliveryProcessor(deps), {
    connection: deps.connection,
    prefix: deps.prefix,
    concurrency: deps.concurrency,
    // A send cut short by a dead worker is taken over once its lock lapses.
    ...(deps.lockDurationMs !== undefined && { lockDuration: deps.lockDurationMs, stalledInterval: deps.lockDurationMs }),
    settings: {
      backoffStrategy: (attemptsMade, type, err) => {
        if (type !== BACKOFF_TYPE) throw new Error(`unknown backoff type ${type}`);
        const retryAfterMs = err instanceof RetryableDeliveryError ? err.retryAfterMs : undefined;
        return forwardRetryDelayMs(attemptsMade, deps.backoff, retryAfterMs);
      },
    },
  });
  worker.on('error', (err) => deps.logger.warn({ err: err.message }, 'delivery worker error'));
  logFinalFailures(worker, deps.logger, 'delivery');
  return worker;
}

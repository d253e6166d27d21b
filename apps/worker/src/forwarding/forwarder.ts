import type { BackoffPolicy, SourcesConfig } from '@hookline/core';
import type { Database } from '@hookline/db';
import { createDeliveryQueue, type DeliveryQueue } from '@hookline/queue';
import type { Logger } from '@hookline/runtime';
import type { Redis } from 'ioredis';
import type { WorkerMetrics } from '../metrics.js';
import { type CircuitBreaker, createCircuitBreaker } from './circuit-breaker.js';
import { type DeliverySweeper, type SweeperOptions, startDeliverySweeper } from './delivery-sweeper.js';
import { buildDeliveryWorker, type DeliveryWorker } from './delivery-worker.js';
import { createDeliveryEnqueuer, type DeliveryEnqueuer } from './enqueue-deliveries.js';

export interface ForwarderDeps {
  readonly db: Database;
  readonly config: SourcesConfig;
  readonly logger: Logger;
  readonly metrics: WorkerMetrics;
  readonly connection: Redis;
  readonly prefix: string;
  readonly concurrency: number;
  readonly backoff: BackoffPolicy;
  readonly lockDurationMs?: number;
  readonly sweep?: SweeperOptions;
}

export interface Forwarder {
  readonly queue: DeliveryQueue;
  readonly enqueuer: DeliveryEnqueuer;
  readonly breaker: CircuitBreaker;
  readonly worker: DeliveryWorker;
  readonly sweeper: DeliverySweeper;
  /** Stops sweeping and sending; in-flight sends finish first. */
  close(): Promise<void>;
}

const DEFAULT_SWEEP: SweeperOptions = { intervalMs: 60_000, olderThanMs: 60_000 };

/** Signed HTTP forwarding, running: the deliveries queue, its worker, the breaker and the sweeper. */
export function startForwarder(deps: ForwarderDeps): Forwarder {
  const queue = createDeliveryQueue(deps.connection, { prefix: deps.prefix });
  queue.on('error', (err) => deps.logger.warn({ err: err.message }, 'deliveries queue error'));
  const enqueuer = createDeliveryEnqueuer({ db: deps.db, config: deps.config, queue });
  const breaker = createCircuitBreaker(deps.connection, deps.prefix);
  const worker = buildDeliveryWorker({ ...deps, breaker });
  const sweeper = startDeliverySweeper({ db: deps.db, enqueuer, logger: deps.logger }, deps.sweep ?? DEFAULT_SWEEP);
  return {
    queue,
    enqueuer,
    breaker,
    worker,
    sweeper,
    async close() {
      await sweeper.stop();
      await worker.close();
      await queue.close();
    },
  };
}

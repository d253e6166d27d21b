import type { BackoffPolicy, SourcesConfig } from '@hookline/core';
import type { Database } from '@hookline/db';
import { createForwardQueue, type ForwardQueue } from '@hookline/queue';
import type { Logger, Tracing } from '@hookline/runtime';
import type { Redis } from 'ioredis';
import type { WorkerMetrics } from '../metrics.js';
import { runWorker } from '../run-worker.js';
import { type CircuitBreaker, createCircuitBreaker } from './circuit-breaker.js';
import { createForwardEnqueuer, type ForwardEnqueuer } from './enqueue-forwards.js';
import { type ForwardSweeper, type SweeperOptions, startForwardSweeper } from './forward-sweeper.js';
import { buildForwardWorker, type ForwardWorker } from './forward-worker.js';

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
  readonly tracing: Tracing;
}

export interface Forwarder {
  readonly queue: ForwardQueue;
  readonly enqueuer: ForwardEnqueuer;
  readonly breaker: CircuitBreaker;
  readonly worker: ForwardWorker;
  /** Starts sending and sweeping. */
  start(): void;
  /** Stops sweeping and sending; in-flight sends finish first. */
  close(): Promise<void>;
}

const DEFAULT_SWEEP: SweeperOptions = { intervalMs: 60_000, olderThanMs: 60_000 };

/** Signed HTTP forwarding, not yet running: the forwards queue, its worker, the breaker and the sweeper. */
export function createForwarder(deps: ForwarderDeps): Forwarder {
  const queue = createForwardQueue(deps.connection, { prefix: deps.prefix });
  queue.on('error', (err) => deps.logger.warn({ err: err.message }, 'forwards queue error'));
  const enqueuer = createForwardEnqueuer({ db: deps.db, config: deps.config, queue });
  const breaker = createCircuitBreaker(deps.connection, deps.prefix);
  const worker = buildForwardWorker({ ...deps, breaker });
  let sweeper: ForwardSweeper | undefined;
  return {
    queue,
    enqueuer,
    breaker,
    worker,
    start() {
      runWorker(worker, deps.logger);
      sweeper ??= startForwardSweeper({ db: deps.db, enqueuer, logger: deps.logger }, deps.sweep ?? DEFAULT_SWEEP);
    },
    async close() {
      await sweeper?.stop();
      await worker.close();
      await queue.close();
    },
  };
}

import type { RetentionSettings } from '@hookline/core';
import { type DatabaseClient, lastRetentionPass, type RetentionReport, readTableSizes, runRetentionPass } from '@hookline/db';
import type { Logger } from '@hookline/runtime';
import { Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { WorkerMetrics } from '../metrics.js';
import { queueWorkerOptions, runWorker } from '../run-worker.js';

/** The queue the retention scheduler puts one job on per interval. */
export const RETENTION_QUEUE = 'retention';
const SCHEDULER_ID = 'retention-pass';

export interface RetentionRunnerDeps {
  readonly database: DatabaseClient;
  readonly connection: Redis;
  readonly prefix: string;
  readonly logger: Logger;
  readonly metrics: WorkerMetrics;
  readonly settings: RetentionSettings;
  /** Time between passes; 0 runs none here (passes come from `hookline retention run` on a cron instead). */
  readonly everyMs: number;
  readonly batchSize: number;
  /** Share of a pass's time spent in statements (see `RetentionPassOptions.dutyCycle`). */
  readonly dutyCycle?: number;
  /** Recorded on the jobs it runs, as the other workers do. */
  readonly name?: string;
}

export interface RetentionRunner {
  readonly queue: Queue;
  readonly worker: Worker<Record<string, never>, RetentionReport>;
  start(): Promise<void>;
  /** Ends a running pass at its next batch, then stops taking jobs. */
  close(): Promise<void>;
}

/**
 * Runs the retention pass on a BullMQ job scheduler: every worker replica upserts the same
 * scheduler, which puts one job per interval on the queue, so N replicas run one pass, not N.
 * The pass's own advisory lock covers the rest (a `pnpm hookline retention run` at the same time).
 */
export function createRetentionRunner(deps: RetentionRunnerDeps): RetentionRunner {
  const { metrics, logger } = deps;
  const queue = new Queue(RETENTION_QUEUE, { connection: deps.connection, prefix: deps.prefix });
  queue.on('error', (err) => logger.warn({ err: err.message }, 'retention queue error'));
  const stop = new AbortController();
  const worker = new Worker<Record<string, never>, RetentionReport>(
    RETENTION_QUEUE,
    async () => {
      const report = await runRetentionPass(deps.database, {
        now: new Date(),
        policy: deps.settings,
        batchSize: deps.batchSize,
        ...(deps.dutyCycle !== undefined && { dutyCycle: deps.dutyCycle }),
        signal: stop.signal,
      });
      if (!report.ran) {
        logger.info('retention pass skipped: another one is running');
        return report;
      }
      for (const { source, kind, rows } of report.removed) metrics.retentionRemoved.inc({ source, kind }, rows);
      if (!stop.signal.aborted) metrics.retentionLastSuccess.set(Date.now() / 1000);
      await refreshSizes(deps);
      logger.info({ removed: report.removed, partitions: report.partitions }, 'retention pass done');
      return report;
    },
    // A pass can outlast the default lock; one at a time is all there is to do. A failed pass is
    // not retried: the next interval's pass does the same work.
    queueWorkerOptions(
      {
        connection: deps.connection,
        prefix: deps.prefix,
        concurrency: 1,
        lockDurationMs: 5 * 60_000,
        ...(deps.name && { name: deps.name }),
      },
      () => 0,
    ),
  );
  worker.on('error', (err) => logger.warn({ err: err.message }, 'retention worker error'));
  worker.on('failed', (_job, err) => logger.error({ err: err.message }, 'retention pass failed; the next one retries'));
  return {
    queue,
    worker,
    async start() {
      // Not awaited: the worker starts (and parks its jobs) while Postgres is down; the gauges
      // are filled once it answers, or by the next pass.
      void readGauges(deps).catch((err: Error) => logger.warn({ err: err.message }, 'storage figures not read at start'));
      if (deps.everyMs === 0) {
        // Turned off: a scheduler an earlier deploy left in Redis would keep adding jobs nobody takes.
        await queue.removeJobScheduler(SCHEDULER_ID);
        return;
      }
      await queue.upsertJobScheduler(
        SCHEDULER_ID,
        { every: deps.everyMs },
        { name: SCHEDULER_ID, opts: { removeOnComplete: 50, removeOnFail: 50 } },
      );
      runWorker(worker, logger);
    },
    async close() {
      stop.abort();
      await worker.close();
      await queue.close();
    },
  };
}

async function readGauges(deps: RetentionRunnerDeps): Promise<void> {
  const last = await lastRetentionPass(deps.database.db);
  if (last !== undefined) deps.metrics.retentionLastSuccess.set(last.finishedAt.getTime() / 1000);
  await refreshSizes(deps);
}

async function refreshSizes(deps: RetentionRunnerDeps): Promise<void> {
  const { tables } = await readTableSizes(deps.database.db);
  for (const { table, bytes } of tables) deps.metrics.storageBytes.set({ table }, bytes);
}

import { completeReconcileAction, listReconcileCursors } from '@hookline/db';
import {
  createReconcileQueue,
  RECONCILE_QUEUE,
  type ReconcileJob,
  type ReconcileQueue,
  reconcileJobSchema,
  scheduleReconciliations,
} from '@hookline/queue';
import { type Job, UnrecoverableError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { runWorker } from '../run-worker.js';
import { NotReconcilableError, type ReconcileDeps, type ReconcileReport, reconcileSource } from './reconcile-source.js';

export interface ReconciliationDeps extends ReconcileDeps {
  readonly connection: Redis;
  readonly prefix: string;
  /** Whether to upsert the sources' schedules (else only operators' runs are taken). */
  readonly schedule: boolean;
}

/** The worker's reconciliations: a schedule per reconciled source, and the BullMQ worker that runs them. */
export interface Reconciliation {
  readonly queue: ReconcileQueue;
  readonly worker: Worker<ReconcileJob, ReconcileReport>;
  /** Upserts the schedules, sets the last-success gauges from Postgres, starts taking runs. */
  start(): Promise<void>;
}

async function runJob(deps: ReconcileDeps, job: Job<ReconcileJob>): Promise<ReconcileReport> {
  const parsed = reconcileJobSchema.safeParse(job.data);
  if (!parsed.success) throw new UnrecoverableError('job data is not a reconciliation request');
  const { source, since, operator } = parsed.data;
  try {
    const report = await reconcileSource(deps, { source, ...(since !== undefined && { since: new Date(since) }) });
    if (operator !== undefined && job.id !== undefined) {
      await completeReconcileAction(deps.db, job.id, report.outcome, { ...report });
    }
    return report;
  } catch (error) {
    if (error instanceof NotReconcilableError) throw new UnrecoverableError(error.message);
    throw error;
  }
}

/**
 * Reconciliation in the worker. One run at a time per replica (runs wait on provider rate
 * limits, not on CPU); the job scheduler makes one job per source and interval however many
 * replicas upsert it, so N replicas run each reconciliation once.
 */
export function createReconciliation(deps: ReconciliationDeps): Reconciliation {
  const queue = createReconcileQueue(deps.connection, { prefix: deps.prefix });
  queue.on('error', (err) => deps.logger.warn({ err: err.message }, 'reconcile queue error'));
  const worker = new Worker<ReconcileJob, ReconcileReport>(RECONCILE_QUEUE, (job) => runJob(deps, job), {
    connection: deps.connection,
    prefix: deps.prefix,
    concurrency: 1,
    autorun: false,
  });
  worker.on('error', (err) => deps.logger.warn({ err: err.message }, 'reconcile worker error'));
  const schedules = new Map(
    [...deps.config.sources.values()].flatMap((source) =>
      source.reconcile === undefined ? [] : [[source.name, { intervalSeconds: source.reconcile.intervalSeconds }] as const],
    ),
  );
  return {
    queue,
    worker,
    async start() {
      if (deps.schedule) await scheduleReconciliations(queue, schedules);
      runWorker(worker, deps.logger);
      // The gauges survive a restart; without Postgres now, the next successful run sets them.
      try {
        for (const cursor of await listReconcileCursors(deps.db)) {
          if (schedules.has(cursor.source)) {
            deps.metrics.reconcileLastSuccess.set({ source: cursor.source }, cursor.lastSuccessAt.getTime() / 1000);
          }
        }
      } catch (error) {
        deps.logger.warn({ err: (error as Error).message }, 'last reconciliation times not read');
      }
    },
  };
}

import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { z } from 'zod';

/** Reconciliations against provider APIs: scheduled per source, or asked for by an operator. */
export const RECONCILE_QUEUE = 'reconcile';

export const reconcileJobSchema = z.object({
  source: z.string().min(1),
  /** ISO time to look back to instead of the source's cursor. */
  since: z.iso.datetime({ offset: true }).optional(),
  /** Set when an operator asked: the worker records what the run found on the audit row. */
  operator: z.string().optional(),
});

export type ReconcileJob = z.infer<typeof reconcileJobSchema>;

export type ReconcileQueue = Queue<ReconcileJob, unknown, string>;

// A few runs per source are kept to look at in Bull Board; the cursor and metrics keep the rest.
const KEEP = { count: 200, age: 7 * 24 * 3600 };

export function createReconcileQueue(connection: Redis, options: { readonly prefix: string }): ReconcileQueue {
  return new Queue<ReconcileJob, unknown, string>(RECONCILE_QUEUE, {
    connection,
    prefix: options.prefix,
    // A run that fails is not retried by BullMQ: the next scheduled run covers the same ground.
    defaultJobOptions: { attempts: 1, removeOnComplete: KEEP, removeOnFail: KEEP },
  });
}

/** The scheduler of one source's runs: upserted by every worker replica, it stays one scheduler. */
export function reconcileSchedulerId(source: string): string {
  return `reconcile-${source}`;
}

/**
 * Schedules one run per `intervalSeconds` for each source, and removes the schedulers of
 * sources no longer reconciled. BullMQ's job scheduler makes one job per interval however
 * many workers upsert it, and one worker takes each job.
 */
export async function scheduleReconciliations(
  queue: ReconcileQueue,
  sources: ReadonlyMap<string, { readonly intervalSeconds: number }>,
): Promise<void> {
  for (const [source, { intervalSeconds }] of sources) {
    await queue.upsertJobScheduler(
      reconcileSchedulerId(source),
      { every: intervalSeconds * 1000 },
      { name: source, data: { source } },
    );
  }
  const wanted = new Set([...sources.keys()].map(reconcileSchedulerId));
  for (const scheduler of await queue.getJobSchedulers()) {
    if (!wanted.has(scheduler.key)) await queue.removeJobScheduler(scheduler.key);
  }
}

/** An operator's run: a job of its own id, so the admin can wait for its report. */
export function operatorReconcileJobId(source: string): string {
  return `${source}/operator-${randomUUID()}`;
}

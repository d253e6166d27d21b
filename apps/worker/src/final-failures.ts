import type { Logger } from '@hookline/runtime';
import type { Worker } from 'bullmq';

/**
 * Logs each job that will not run again: its attempts are used up, or it failed as
 * unrecoverable (BullMQ then counts one attempt, whatever the job allowed).
 */
export function logFinalFailures(worker: Worker, logger: Logger, what: string): void {
  worker.on('failed', (job, err) => {
    if (job && (err.name === 'UnrecoverableError' || job.attemptsMade >= (job.opts.attempts ?? 1))) {
      logger.error({ jobId: job.id, err: err.message }, `${what} failed for good; kept in the failed set`);
    }
  });
}

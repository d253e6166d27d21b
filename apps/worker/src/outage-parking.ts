import { type BackoffPolicy, retryDelayMs } from '@hookline/core';
import type { Logger } from '@hookline/runtime';
import { DelayedError, type Job } from 'bullmq';
import { failureMessage, isDatabaseUnavailable } from './failure.js';

/** Longest a job waits between tries while Postgres is away: it is back this soon after Postgres is. */
const OUTAGE_RETRY_CAP_MS = 30_000;

export interface OutageParking {
  /** Parks the job and throws DelayedError when `error` says Postgres is unreachable; returns otherwise. */
  parkIfUnavailable(job: Job, token: string | undefined, error: unknown, log: Logger): Promise<void>;
  /** The database answered: the next outage starts from the shortest delay again. */
  answered(): void;
}

/**
 * While Postgres is unreachable, jobs go back to the delayed set with a growing delay that
 * does not use up their attempts: an outage of any length ends with the work done, not in
 * the failed set. One per BullMQ worker: the delay grows with its consecutive outage failures.
 */
export function createOutageParking(backoff: BackoffPolicy): OutageParking {
  let failures = 0;
  const policy = { baseMs: backoff.baseMs, capMs: Math.min(backoff.capMs, OUTAGE_RETRY_CAP_MS) };
  return {
    async parkIfUnavailable(job, token, error, log) {
      if (!isDatabaseUnavailable(error) || token === undefined) return;
      failures++;
      const delayMs = retryDelayMs(failures, policy);
      log.warn({ jobId: job.id, delayMs, err: failureMessage(error) }, 'postgres unavailable; job parked');
      await job.moveToDelayed(Date.now() + delayMs, token);
      throw new DelayedError();
    },
    answered() {
      failures = 0;
    },
  };
}

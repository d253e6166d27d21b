import { type Database, listStalePendingForwards } from '@hookline/db';
import type { Logger } from '@hookline/runtime';
import type { ForwardEnqueuer } from './enqueue-forwards.js';

export interface SweeperOptions {
  /** How often to look. */
  readonly intervalMs: number;
  /** A pending forward older than this is re-enqueued (a no-op while its job exists). */
  readonly olderThanMs: number;
  /** Most forwards re-enqueued per sweep. */
  readonly batch?: number;
}

export interface ForwardSweeper {
  /** Re-enqueues stale pending forwards once; resolves with how many it found. */
  sweep(): Promise<number>;
  stop(): Promise<void>;
}

/**
 * The safety net under the outbox: a pending forward whose job Redis no longer has (lost
 * in a Redis failover, deleted by hand) is enqueued again. Adding an existing job id is a
 * no-op in BullMQ, so every worker may sweep and a forward still gets one job.
 */
export function startForwardSweeper(
  deps: { db: Database; enqueuer: ForwardEnqueuer; logger: Logger },
  options: SweeperOptions,
): ForwardSweeper {
  let running: Promise<number> | undefined;

  async function sweepOnce(): Promise<number> {
    const stale = await listStalePendingForwards(deps.db, options.olderThanMs, options.batch ?? 1000);
    await deps.enqueuer.enqueue(stale);
    return stale.length;
  }

  function sweep(): Promise<number> {
    running ??= sweepOnce().finally(() => {
      running = undefined;
    });
    return running;
  }

  const timer = setInterval(() => {
    sweep().catch((err: Error) => deps.logger.warn({ err: err.message }, 'forward sweep failed'));
  }, options.intervalMs);
  timer.unref();

  return {
    sweep,
    async stop() {
      clearInterval(timer);
      await running?.catch(() => {});
    },
  };
}

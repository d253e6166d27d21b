import type { Redis, Result } from 'ioredis';
import type { EventQueue } from './event-queue.js';

/** The job states the admin exports, as `state` label values of `hookline_queue_jobs`. */
export const QUEUE_STATES = ['waiting', 'prioritized', 'delayed', 'active', 'failed', 'completed'] as const;
export type QueueState = (typeof QUEUE_STATES)[number];

/** The states that are backlog: work not yet started. KEDA scales the worker on their sum. */
export const BACKLOG_STATES = ['waiting', 'prioritized', 'delayed'] as const satisfies readonly QueueState[];

export interface QueueDepth {
  readonly counts: Readonly<Record<QueueState, number>>;
  /** Seconds since the oldest job in the wait list was added; 0 when the list is empty. */
  readonly oldestWaitingAgeSeconds: number;
}

/*
 * BullMQ pushes new jobs on the left of the wait list and workers take from the right, so
 * the rightmost entry is the oldest. One script reads its id and its `timestamp` (when it
 * was added), atomically: a worker cannot take it between the two reads.
 */
const OLDEST_WAITING = `
local id = redis.call('LINDEX', KEYS[1], -1)
if not id then return false end
return redis.call('HGET', ARGV[1] .. id, 'timestamp')`;

declare module 'ioredis' {
  interface RedisCommander<Context> {
    hooklineOldestWaiting(waitKey: string, jobKeyPrefix: string): Result<string | null, Context>;
  }
}

export interface QueueDepthReader {
  read(): Promise<QueueDepth>;
}

/**
 * Reads the queue's depth in two Redis round trips (one counting script, one lookup of the
 * oldest waiting job), cheap enough to scrape every 15 s from several scrapers.
 */
export function createQueueDepthReader(queue: EventQueue, connection: Redis, now: () => number = Date.now): QueueDepthReader {
  connection.defineCommand('hooklineOldestWaiting', { numberOfKeys: 1, lua: OLDEST_WAITING });
  return {
    async read() {
      const [counts, timestamp] = await Promise.all([
        queue.getJobCounts(...QUEUE_STATES),
        connection.hooklineOldestWaiting(queue.toKey('wait'), queue.toKey('')),
      ]);
      const added = timestamp === null ? undefined : Number(timestamp);
      return {
        counts: Object.fromEntries(QUEUE_STATES.map((state) => [state, counts[state] ?? 0])) as Record<QueueState, number>,
        oldestWaitingAgeSeconds: added === undefined ? 0 : Math.max(0, (now() - added) / 1000),
      };
    },
  };
}

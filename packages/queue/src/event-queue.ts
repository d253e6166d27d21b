import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { EventJob } from './event-job.js';

export const EVENTS_QUEUE = 'events';

/** Name of the retry schedule the worker implements (`retryDelayMs` in core). */
export const BACKOFF_TYPE = 'hookline';

export interface Retention {
  /** Seconds a finished job is kept. For completed jobs this is the edge dedupe window. */
  readonly ageSeconds: number;
  /** Most jobs kept in that state, whatever their age: bounds Redis memory. */
  readonly count: number;
}

export interface EventQueueOptions {
  readonly prefix?: string;
  readonly attempts?: number;
  readonly completed?: Retention;
  readonly failed?: Retention;
}

export const defaultQueueOptions = {
  prefix: 'hookline',
  attempts: 12,
  completed: { ageSeconds: 3600, count: 100_000 },
  failed: { ageSeconds: 7 * 24 * 3600, count: 50_000 },
} as const satisfies Required<EventQueueOptions>;

export type EventQueue = Queue<EventJob, unknown, string>;

/** The events queue, with the retry and retention every enqueued job gets. */
export function createEventQueue(connection: Redis, options: EventQueueOptions = {}): EventQueue {
  const settings = { ...defaultQueueOptions, ...options };
  return new Queue<EventJob, unknown, string>(EVENTS_QUEUE, {
    connection,
    prefix: settings.prefix,
    defaultJobOptions: {
      attempts: settings.attempts,
      backoff: { type: BACKOFF_TYPE },
      removeOnComplete: { age: settings.completed.ageSeconds, count: settings.completed.count },
      removeOnFail: { age: settings.failed.ageSeconds, count: settings.failed.count },
    },
  });
}

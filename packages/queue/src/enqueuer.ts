import { type IncomingEvent, toJobId } from '@hookline/core';
import type { Redis, Result } from 'ioredis';
import type { EventQueue } from './event-queue.js';

export type EnqueueOutcome = 'accepted' | 'duplicate';

/** Redis could not durably take the event: the sender must retry. */
export class QueueUnavailableError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

export interface Enqueuer {
  enqueue(event: IncomingEvent): Promise<EnqueueOutcome>;
  /** True when Redis answers a PING within the timeout. */
  isReady(): Promise<boolean>;
}

export interface EnqueuerOptions {
  /** The most an enqueue may take before the delivery is answered 503. */
  readonly timeoutMs?: number;
}

/*
 * BullMQ's add returns the same Job for a duplicate id as for a new one. To tell them
 * apart, after the add has made the job durable we set a field on the job's own hash with
 * HSETNX: exactly one delivery of an id sees 1. The mark lives and dies with the job, so
 * the edge window is the completed-job retention. If the job is already gone (processed
 * and removed) the script answers -1 and we say `accepted`: the database tier dedupes.
 */
const MARK_FIRST_DELIVERY = `
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
return redis.call('HSETNX', KEYS[1], 'hooklineAck', '1')`;

declare module 'ioredis' {
  interface RedisCommander<Context> {
    hooklineMarkFirstDelivery(jobKey: string): Result<number, Context>;
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new QueueUnavailableError(`Redis did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Enqueues verified events with jobId = dedupe key, failing fast when Redis is unavailable. */
export function createEnqueuer(queue: EventQueue, connection: Redis, options: EnqueuerOptions = {}): Enqueuer {
  const timeoutMs = options.timeoutMs ?? 1000;
  connection.defineCommand('hooklineMarkFirstDelivery', { numberOfKeys: 1, lua: MARK_FIRST_DELIVERY });

  async function addAndMark(event: IncomingEvent): Promise<EnqueueOutcome> {
    const jobId = toJobId(event.source, event.eventId);
    await queue.add(event.source, event, { jobId });
    const mark = await connection.hooklineMarkFirstDelivery(queue.toKey(jobId));
    return mark === 0 ? 'duplicate' : 'accepted';
  }

  return {
    async enqueue(event) {
      try {
        return await withTimeout(addAndMark(event), timeoutMs);
      } catch (error) {
        if (error instanceof QueueUnavailableError) throw error;
        throw new QueueUnavailableError(`enqueue failed: ${(error as Error).message}`, { cause: error });
      }
    },
    async isReady() {
      try {
        return (await withTimeout(connection.ping(), timeoutMs)) === 'PONG';
      } catch {
        return false;
      }
    },
  };
}

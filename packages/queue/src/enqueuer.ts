import { HttpError, RETRY_AFTER_SECONDS, type ReplayMark, toJobId } from '@hookline/core';
import type { Redis, Result } from 'ioredis';
import type { EventJob } from './event-job.js';
import type { EventQueue } from './event-queue.js';

export type EnqueueOutcome = 'accepted' | 'duplicate';

/**
 * Redis could not durably take the event: the sender must retry. Answered 503 with the
 * contract's fixed message; what went wrong stays in `detail`, for the log.
 */
export class QueueUnavailableError extends HttpError {
  constructor(
    readonly detail: string,
    options?: ErrorOptions,
  ) {
    super(503, 'queue_unavailable', 'the queue is unavailable; retry later', {
      ...options,
      retryAfterSeconds: RETRY_AFTER_SECONDS,
    });
  }
}

export interface Enqueuer {
  /**
   * With a replay mark, a body already seen within the mark's window under another event id is
   * a `duplicate` and is not queued; the same id again still passes to the usual duplicate check.
   */
  enqueue(event: EventJob, replayMark?: ReplayMark): Promise<EnqueueOutcome>;
  /** True when Redis answers a PING within the timeout. */
  isReady(): Promise<boolean>;
}

export interface EnqueuerOptions {
  /** The most an enqueue may take before the delivery is answered 503. */
  readonly timeoutMs?: number;
  /** Most deliveries written to Redis in one round trip. */
  readonly maxBatch?: number;
}

/*
 * BullMQ's add returns the same Job for a duplicate id as for a new one. To tell them
 * apart, after the add has made the job durable we set a field on the job's own hash with
 * HSETNX: exactly one delivery of an id sees 1. The mark lives and dies with the job, so
 * the edge window is the completed-job retention. If the job is already gone (processed
 * and removed) the script answers -1 and we say `accepted`: the database tier dedupes.
 */
const MARK_FIRST_DELIVERIES = `
local marks = {}
for i, key in ipairs(KEYS) do
  if redis.call('EXISTS', key) == 0 then marks[i] = -1
  else marks[i] = redis.call('HSETNX', key, 'hooklineAck', '1') end
end
return marks`;

/*
 * The replay guard, before the add: each key (source + body digest) is set to the event id that
 * first brought that body, with the window as its expiry. A different id finding it is a replay
 * (0) and is never added. The holder's own id passes (1) so its redelivery, or its retry after a
 * failed add, meets the ordinary duplicate check instead.
 */
const GUARD_REPLAYS = `
local verdicts = {}
for i, key in ipairs(KEYS) do
  local id = ARGV[2 * i - 1]
  local holder = redis.call('GET', key)
  if not holder then
    redis.call('SET', key, id, 'EX', ARGV[2 * i])
    verdicts[i] = 1
  elseif holder == id then verdicts[i] = 1
  else verdicts[i] = 0 end
end
return verdicts`;

declare module 'ioredis' {
  interface RedisCommander<Context> {
    hooklineMarkFirstDeliveries(numberOfKeys: number, ...jobKeys: string[]): Result<number[], Context>;
    hooklineGuardReplays(numberOfKeys: number, ...keysThenArguments: string[]): Result<number[], Context>;
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new QueueUnavailableError(`Redis did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

interface Pending {
  readonly event: EventJob;
  readonly jobId: string;
  readonly replayMark: ReplayMark | undefined;
  resolve(outcome: EnqueueOutcome): void;
  reject(error: Error): void;
}

/**
 * Enqueues verified events with jobId = dedupe key, failing fast when Redis is unavailable.
 * Deliveries that arrive in the same turn of the event loop are added together: one
 * `addBulk` (one MULTI) and one marking script per batch instead of two round trips per
 * delivery. Each delivery is answered only after its own batch is durable. A batch holding
 * replay-guarded deliveries takes one more round trip, before the add, for the guard.
 */
export function createEnqueuer(queue: EventQueue, connection: Redis, options: EnqueuerOptions = {}): Enqueuer {
  const timeoutMs = options.timeoutMs ?? 1000;
  const maxBatch = options.maxBatch ?? 64;
  connection.defineCommand('hooklineMarkFirstDeliveries', { lua: MARK_FIRST_DELIVERIES });
  connection.defineCommand('hooklineGuardReplays', { lua: GUARD_REPLAYS });
  let pending: Pending[] = [];

  /** The deliveries of the batch that are replays of another event's body. */
  async function findReplays(batch: Pending[]): Promise<Set<Pending>> {
    const guarded = batch.filter((item) => item.replayMark !== undefined);
    if (guarded.length === 0) return new Set();
    const keys = guarded.map(({ event, replayMark }) => `${queue.toKey('replay-guard')}:${event.source}:${replayMark?.digest}`);
    const windows = guarded.flatMap(({ event, replayMark }) => [event.eventId, String(replayMark?.windowSeconds)]);
    const verdicts = await connection.hooklineGuardReplays(keys.length, ...keys, ...windows);
    return new Set(guarded.filter((_item, index) => verdicts[index] === 0));
  }

  async function addAndMark(batch: Pending[]): Promise<EnqueueOutcome[]> {
    const replays = await findReplays(batch);
    const fresh = batch.filter((item) => !replays.has(item));
    if (fresh.length === 0) return batch.map(() => 'duplicate');
    await queue.addBulk(fresh.map(({ event, jobId }) => ({ name: event.source, data: event, opts: { jobId } })));
    const keys = fresh.map(({ jobId }) => queue.toKey(jobId));
    const marks = await connection.hooklineMarkFirstDeliveries(keys.length, ...keys);
    const outcomes = new Map(fresh.map((item, index) => [item, marks[index] === 0 ? 'duplicate' : 'accepted'] as const));
    return batch.map((item) => outcomes.get(item) ?? 'duplicate');
  }

  async function flush(batch: Pending[]): Promise<void> {
    try {
      const outcomes = await withTimeout(addAndMark(batch), timeoutMs);
      batch.forEach((item, index) => {
        item.resolve(outcomes[index] ?? 'accepted');
      });
    } catch (error) {
      const failure =
        error instanceof QueueUnavailableError
          ? error
          : new QueueUnavailableError(`enqueue failed: ${(error as Error).message}`, { cause: error });
      for (const item of batch) item.reject(failure);
    }
  }

  function drain(): void {
    while (pending.length > 0) {
      const batch = pending.slice(0, maxBatch);
      pending = pending.slice(maxBatch);
      void flush(batch);
    }
  }

  return {
    enqueue(event, replayMark) {
      return new Promise<EnqueueOutcome>((resolve, reject) => {
        if (pending.length === 0) setImmediate(drain);
        pending.push({ event, jobId: toJobId(event.source, event.eventId), replayMark, resolve, reject });
      });
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

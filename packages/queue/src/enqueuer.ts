import { HttpError, RETRY_AFTER_SECONDS, type ReplayMark, toJobId } from '@hookline/core';
import { type IRedisTransaction, Job, type RedisClient } from 'bullmq';
import type { Redis } from 'ioredis';
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
  /**
   * Batches written to Redis and not yet answered, at most. Deliveries arriving meanwhile wait
   * and go together in the next batch, so the busier the ingester the larger its batches.
   */
  readonly maxInFlight?: number;
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

const MARK = 'hooklineMarkFirstDeliveries';
const GUARD = 'hooklineGuardReplays';

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
  /** When `enqueue` was called (`performance.now()`): the timeout counts from here. */
  readonly since: number;
  resolve(outcome: EnqueueOutcome): void;
  reject(error: Error): void;
}

type Reply = [Error | null, unknown];

/** What became of one delivery: its outcome, or why Redis did not take it. */
type Settled = EnqueueOutcome | Error;

/**
 * Enqueues verified events with jobId = dedupe key, failing fast when Redis is unavailable.
 * Deliveries are written in batches, each batch ONE pipeline: every job's add, then one
 * script marking first deliveries (Redis runs a connection's commands in order, so the mark
 * sees every add of its batch). While `maxInFlight` batches await Redis, new deliveries
 * gather for the next one. Each delivery is answered only after its own add is durable. A
 * batch holding replay-guarded deliveries puts the guard in the same pipeline and adds the
 * deliveries it let through in a second one: the guard decides whether they are added at all.
 */
export function createEnqueuer(queue: EventQueue, connection: Redis, options: EnqueuerOptions = {}): Enqueuer {
  const timeoutMs = options.timeoutMs ?? 1000;
  const maxBatch = options.maxBatch ?? 256;
  const maxInFlight = options.maxInFlight ?? 1;
  connection.defineCommand(MARK, { lua: MARK_FIRST_DELIVERIES });
  connection.defineCommand(GUARD, { lua: GUARD_REPLAYS });
  const jobOptions = queue.defaultJobOptions;
  let pending: Pending[] = [];
  let inFlight = 0;
  let scheduled = false;

  async function exec(pipeline: IRedisTransaction): Promise<Reply[]> {
    const replies = await pipeline.exec();
    if (replies === null) throw new Error('the pipeline was discarded');
    return replies;
  }

  /**
   * One pipeline: `guard` first when given, then each item's add and one mark over them all.
   * Records each item's outcome in `settled`; answers the guard's verdicts.
   */
  async function addAndMark(
    client: RedisClient,
    items: readonly Pending[],
    settled: Map<Pending, Settled>,
    guard?: readonly (string | number)[],
  ): Promise<number[]> {
    const pipeline = client.pipeline();
    if (guard) pipeline.runCommand(GUARD, [...guard]);
    const added = items.map(({ event, jobId }) =>
      new Job<EventJob>(queue, event.source, event, { ...jobOptions, jobId }, jobId).addJob(pipeline),
    );
    if (items.length > 0) pipeline.runCommand(MARK, [items.length, ...items.map(({ jobId }) => queue.toKey(jobId))]);
    const replies = await exec(pipeline);
    await Promise.all(added);
    const offset = guard ? 1 : 0;
    const [markError, marks] = replies[offset + items.length] ?? [null, []];
    items.forEach((item, index) => {
      const [addError] = replies[offset + index] ?? [new Error('no reply to the add')];
      settled.set(item, addError ?? markError ?? ((marks as number[])[index] === 0 ? 'duplicate' : 'accepted'));
    });
    if (!guard) return [];
    const [guardError, verdicts] = replies[0] ?? [new Error('no reply to the guard')];
    if (guardError) throw guardError;
    return verdicts as number[];
  }

  /** The replay guard's arguments for `items`: keys (source + body digest), then id and window per key. */
  function guardArguments(items: readonly Pending[]): (string | number)[] {
    const keys = items.map(({ event, replayMark }) => `${queue.toKey('replay-guard')}:${event.source}:${replayMark?.digest}`);
    const windows = items.flatMap(({ event, replayMark }) => [event.eventId, String(replayMark?.windowSeconds)]);
    return [keys.length, ...keys, ...windows];
  }

  async function write(batch: readonly Pending[]): Promise<Settled[]> {
    const client = await queue.getBackend().client;
    const settled = new Map<Pending, Settled>();
    const guarded = batch.filter((item) => item.replayMark !== undefined);
    const plain = batch.filter((item) => item.replayMark === undefined);
    const verdicts = await addAndMark(client, plain, settled, guarded.length > 0 ? guardArguments(guarded) : undefined);
    const passed: Pending[] = [];
    guarded.forEach((item, index) => {
      if (verdicts[index] === 0) settled.set(item, 'duplicate');
      else passed.push(item);
    });
    if (passed.length > 0) await addAndMark(client, passed, settled);
    return batch.map((item) => settled.get(item) ?? new Error('no outcome'));
  }

  async function flush(batch: readonly Pending[]): Promise<void> {
    const left = timeoutMs - (performance.now() - (batch[0] as Pending).since);
    try {
      if (left <= 0) throw new QueueUnavailableError(`Redis did not answer within ${timeoutMs} ms`);
      const outcomes = await withTimeout(write(batch), left);
      batch.forEach((item, index) => {
        const outcome = outcomes[index] as Settled;
        if (outcome instanceof Error) item.reject(unavailable(outcome));
        else item.resolve(outcome);
      });
    } catch (error) {
      const failure = unavailable(error as Error);
      for (const item of batch) item.reject(failure);
    }
  }

  function drain(): void {
    scheduled = false;
    while (pending.length > 0 && inFlight < maxInFlight) {
      const batch = pending.length <= maxBatch ? pending : pending.slice(0, maxBatch);
      pending = pending.length <= maxBatch ? [] : pending.slice(maxBatch);
      inFlight++;
      void flush(batch).finally(() => {
        inFlight--;
        schedule();
      });
    }
  }

  // After the current I/O phase, so that every delivery read in it joins the batch.
  function schedule(): void {
    if (scheduled || pending.length === 0 || inFlight >= maxInFlight) return;
    scheduled = true;
    setImmediate(drain);
  }

  return {
    enqueue(event, replayMark) {
      return new Promise<EnqueueOutcome>((resolve, reject) => {
        pending.push({
          event,
          jobId: toJobId(event.source, event.eventId),
          replayMark,
          since: performance.now(),
          resolve,
          reject,
        });
        schedule();
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

function unavailable(error: Error): QueueUnavailableError {
  return error instanceof QueueUnavailableError
    ? error
    : new QueueUnavailableError(`enqueue failed: ${error.message}`, { cause: error });
}

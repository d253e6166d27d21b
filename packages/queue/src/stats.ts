import type { Redis } from 'ioredis';

/**
 * Delivery statistics shared by every process, for the admin's `/api/stats`: each process
 * adds what its own Prometheus counters grew by into five-minute buckets in Redis, so the
 * numbers are the metrics' own and survive any one process. Nothing runs on the request path.
 */
export const STATS_BUCKET_SECONDS = 300;
/** A day of buckets plus one hour of slack, then Redis drops them. */
const STATS_TTL_SECONDS = 25 * 3600;
const DAY_SECONDS = 24 * 3600;
const HOUR_SECONDS = 3600;

/** A counter's value since its process started, e.g. `{ source: 'payments', field: 'ingest:accepted', value: 12 }`. */
export interface CounterSample {
  readonly source: string;
  readonly field: string;
  readonly value: number;
}

export function statsKey(prefix: string, bucketStartSeconds: number): string {
  return `${prefix}:stats:${bucketStartSeconds}`;
}

function bucketStart(epochMs: number): number {
  return Math.floor(epochMs / 1000 / STATS_BUCKET_SECONDS) * STATS_BUCKET_SECONDS;
}

export interface StatsPublisherOptions {
  readonly prefix: string;
  /** Reads the process's counters (cumulative values). */
  readonly read: () => Promise<readonly CounterSample[]>;
  readonly intervalMs?: number;
  readonly now?: () => number;
  readonly onError?: (error: unknown) => void;
  /** Longest the final flush may hold up a shutdown (default 2 s). */
  readonly closeTimeoutMs?: number;
}

export interface StatsPublisher {
  /** Adds what the counters grew by since the last successful flush. */
  flush(): Promise<void>;
  /** Stops the timer and flushes one last time, giving up after `closeTimeoutMs` (Redis may be away). */
  close(): Promise<void>;
}

/** Publishes counter growth every `intervalMs` (default 5 s). A failed flush is retried by the next. */
export function createStatsPublisher(connection: Redis, options: StatsPublisherOptions): StatsPublisher {
  const now = options.now ?? Date.now;
  const published = new Map<string, number>();
  let running: Promise<void> = Promise.resolve();

  async function push(): Promise<void> {
    const samples = await options.read();
    const key = statsKey(options.prefix, bucketStart(now()));
    const deltas: [string, number][] = [];
    for (const sample of samples) {
      const field = `${sample.source}|${sample.field}`;
      const delta = sample.value - (published.get(field) ?? 0);
      if (delta > 0) deltas.push([field, delta]);
    }
    if (deltas.length === 0) return;
    const multi = connection.multi();
    for (const [field, delta] of deltas) multi.hincrby(key, field, delta);
    multi.expire(key, STATS_TTL_SECONDS);
    await multi.exec();
    for (const [field, delta] of deltas) published.set(field, (published.get(field) ?? 0) + delta);
  }

  // Flushes run one after another, so two never push the same growth twice; a failed one
  // leaves `published` as it was, so the next flush pushes its growth too.
  function flush(): Promise<void> {
    running = running.catch(() => {}).then(push);
    return running;
  }

  const timer = setInterval(() => {
    flush().catch((error: unknown) => options.onError?.(error));
  }, options.intervalMs ?? 5000);
  timer.unref();

  return {
    flush,
    async close() {
      clearInterval(timer);
      let deadline: NodeJS.Timeout | undefined;
      const timeout = new Promise<void>((resolve) => {
        deadline = setTimeout(resolve, options.closeTimeoutMs ?? 2000);
      });
      await Promise.race([flush().catch((error: unknown) => options.onError?.(error)), timeout]);
      clearTimeout(deadline);
    },
  };
}

export interface StatsWindows {
  /** Sums over the buckets covering the last hour (60 to 65 minutes). */
  readonly lastHour: Readonly<Record<string, number>>;
  /** Sums over the buckets covering the last day (24 h to 24 h 5 min). */
  readonly lastDay: Readonly<Record<string, number>>;
}

/** Sums every source's published counters over the last hour and the last day. */
export async function readStats(connection: Redis, prefix: string, now = Date.now()): Promise<Map<string, StatsWindows>> {
  const current = bucketStart(now);
  const starts: number[] = [];
  for (let start = current; start >= current - DAY_SECONDS; start -= STATS_BUCKET_SECONDS) starts.push(start);
  const pipeline = connection.pipeline();
  for (const start of starts) pipeline.hgetall(statsKey(prefix, start));
  const replies = (await pipeline.exec()) ?? [];

  const totals = new Map<string, { lastHour: Record<string, number>; lastDay: Record<string, number> }>();
  replies.forEach(([error, hash], index) => {
    if (error) throw error;
    const inLastHour = (starts[index] as number) >= current - HOUR_SECONDS;
    for (const [key, value] of Object.entries(hash as Record<string, string>)) {
      const separator = key.indexOf('|');
      const source = key.slice(0, separator);
      const field = key.slice(separator + 1);
      const windows = totals.get(source) ?? { lastHour: {}, lastDay: {} };
      totals.set(source, windows);
      windows.lastDay[field] = (windows.lastDay[field] ?? 0) + Number(value);
      if (inLastHour) windows.lastHour[field] = (windows.lastHour[field] ?? 0) + Number(value);
    }
  });
  return totals;
}

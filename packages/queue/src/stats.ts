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

/** What is counted: the ingester's answers, the worker's outcomes and the transitions they made. */
export const STATS_KINDS = ['ingest', 'processed', 'transition'] as const;
export type StatsKind = (typeof STATS_KINDS)[number];

/**
 * A counter's value since its process started, e.g.
 * `{ source: 'payments', kind: 'ingest', key: 'accepted', value: 12 }` (`key` is the label value).
 */
export interface CounterSample {
  readonly source: string;
  readonly kind: StatsKind;
  readonly key: string;
  readonly value: number;
}

/** Per kind, each key's sum: `{ ingest: { accepted: 12 }, processed: {}, transition: {} }`. */
export type StatsCounts = { readonly [K in StatsKind]: Readonly<Record<string, number>> };

// A bucket's hash field is `<source>|<kind>:<key>`: written and read only through these two.
function fieldOf(sample: Omit<CounterSample, 'value'>): string {
  return `${sample.source}|${sample.kind}:${sample.key}`;
}

function parseField(field: string): Omit<CounterSample, 'value'> | undefined {
  const bar = field.indexOf('|');
  const colon = field.indexOf(':', bar);
  const kind = field.slice(bar + 1, colon);
  if (bar < 0 || colon < 0 || !(STATS_KINDS as readonly string[]).includes(kind)) return undefined;
  return { source: field.slice(0, bar), kind: kind as StatsKind, key: field.slice(colon + 1) };
}

function emptyCounts(): { [K in StatsKind]: Record<string, number> } {
  return { ingest: {}, processed: {}, transition: {} };
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
      const field = fieldOf(sample);
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
  readonly lastHour: StatsCounts;
  /** Sums over the buckets covering the last day (24 h to 24 h 5 min). */
  readonly lastDay: StatsCounts;
}

/** Sums every source's published counters over the last hour and the last day. */
export async function readStats(connection: Redis, prefix: string, now = Date.now()): Promise<Map<string, StatsWindows>> {
  const current = bucketStart(now);
  const starts: number[] = [];
  for (let start = current; start >= current - DAY_SECONDS; start -= STATS_BUCKET_SECONDS) starts.push(start);
  const pipeline = connection.pipeline();
  for (const start of starts) pipeline.hgetall(statsKey(prefix, start));
  const replies = (await pipeline.exec()) ?? [];

  const totals = new Map<string, { lastHour: ReturnType<typeof emptyCounts>; lastDay: ReturnType<typeof emptyCounts> }>();
  replies.forEach(([error, hash], index) => {
    if (error) throw error;
    const inLastHour = (starts[index] as number) >= current - HOUR_SECONDS;
    for (const [field, value] of Object.entries(hash as Record<string, string>)) {
      const sample = parseField(field);
      if (sample === undefined) continue;
      const windows = totals.get(sample.source) ?? { lastHour: emptyCounts(), lastDay: emptyCounts() };
      totals.set(sample.source, windows);
      const day = windows.lastDay[sample.kind];
      day[sample.key] = (day[sample.key] ?? 0) + Number(value);
      if (inLastHour) {
        const hour = windows.lastHour[sample.kind];
        hour[sample.key] = (hour[sample.key] ?? 0) + Number(value);
      }
    }
  });
  return totals;
}

import { EVENTS_QUEUE, QUEUE_STATES, type QueueDepthReader } from '@hookline/queue';
import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';

/**
 * The queue's metrics, exported by the admin (one process, so one series per state rather
 * than one per replica). Read from Redis when scraped: two round trips, whatever the depth.
 */
export function createAdminMetrics(depth: QueueDepthReader, registry = new Registry()) {
  collectDefaultMetrics({ register: registry });
  const labels = { queue: EVENTS_QUEUE };
  const jobs = new Gauge({
    name: 'hookline_queue_jobs',
    help: 'Jobs in the queue by state (waiting, prioritized, delayed, active, failed, completed).',
    labelNames: ['queue', 'state'] as const,
    registers: [registry],
  });
  const oldestWaitingAge = new Gauge({
    name: 'hookline_queue_oldest_waiting_age_seconds',
    help: 'Age of the oldest job in the wait list (live deliveries not yet picked up); 0 when none waits.',
    labelNames: ['queue'] as const,
    registers: [registry],
  });
  const redisUp = new Gauge({
    name: 'hookline_queue_up',
    help: '1 when the last scrape could read the queue from Redis, else 0 (the other queue gauges are then absent).',
    labelNames: ['queue'] as const,
    registers: [registry],
  });

  return {
    registry,
    /** Reads the queue into the gauges; called by the `/metrics` route before each scrape. */
    async refresh(): Promise<void> {
      try {
        const read = await depth.read();
        for (const state of QUEUE_STATES) jobs.set({ ...labels, state }, read.counts[state]);
        oldestWaitingAge.set(labels, read.oldestWaitingAgeSeconds);
        redisUp.set(labels, 1);
      } catch {
        // Stale numbers would look like a healthy, idle queue: drop them instead.
        jobs.reset();
        oldestWaitingAge.reset();
        redisUp.set(labels, 0);
      }
    },
  };
}

export type AdminMetrics = ReturnType<typeof createAdminMetrics>;

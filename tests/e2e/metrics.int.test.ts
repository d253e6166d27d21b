import { createTestDatabase, type TestDatabase } from '@hookline/db/testing';
import { buildApp, createIngesterMetrics, type IngesterMetrics } from '@hookline/ingester';
import {
  createEnqueuer,
  createEventQueue,
  createProducerConnection,
  createStatsPublisher,
  createWorkerConnection,
  type EventQueue,
  type StatsPublisher,
} from '@hookline/queue';
import { removePrefix, testPrefix, testRedisUrl } from '@hookline/queue/testing';
import { counterSamples, createLogger } from '@hookline/runtime';
import {
  buildHealthServer,
  buildWorker,
  createWorkerMetrics,
  type EventWorker,
  type Forwarder,
  noHandlers,
  startForwarder,
  type WorkerMetrics,
} from '@hookline/worker';
import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Admin, adminAuth, startAdmin } from './admin-harness.js';
import { jobBody, signedDelivery, sourcesConfig, waitFor } from './harness.js';

const logger = createLogger({ name: 'e2e-metrics', level: 'silent' });
const prefix = testPrefix();
let database: TestDatabase;
let producer: Redis;
let workerConnection: Redis;
let queue: EventQueue;
let ingesterMetrics: IngesterMetrics;
let workerMetrics: WorkerMetrics;
let ingester: FastifyInstance;
let workerHealth: FastifyInstance;
let forwarder: Forwarder | undefined;
let worker: EventWorker | undefined;
let admin: Admin;
let publishers: StatsPublisher[];

beforeAll(async () => {
  database = await createTestDatabase();
  producer = createProducerConnection(testRedisUrl());
  workerConnection = createWorkerConnection(testRedisUrl());
  queue = createEventQueue(producer, { prefix, attempts: 3 });
  ingesterMetrics = createIngesterMetrics();
  workerMetrics = createWorkerMetrics();
  ingester = await buildApp({
    config: sourcesConfig(),
    enqueuer: createEnqueuer(queue, producer),
    logger,
    metrics: ingesterMetrics,
  });
  workerHealth = await buildHealthServer({
    db: database.client.db,
    connection: workerConnection,
    logger,
    registry: workerMetrics.registry,
  });
  admin = await startAdmin({ database, prefix });
  // What the ingester's and worker's main.ts run, flushed by hand here instead of every 5 s.
  publishers = [
    createStatsPublisher(producer, { prefix, read: () => counterSamples(ingesterMetrics.requests, 'ingest', 'outcome') }),
    createStatsPublisher(workerConnection, {
      prefix,
      read: async () => [
        ...(await counterSamples(workerMetrics.processed, 'processed', 'outcome')),
        ...(await counterSamples(workerMetrics.transitions, 'transition', 'transition')),
      ],
    }),
  ];
});

afterAll(async () => {
  for (const publisher of publishers) await publisher.close();
  await worker?.close();
  await forwarder?.close();
  await admin.close();
  await workerHealth.close();
  await ingester.close();
  await queue.close();
  await removePrefix(producer, prefix);
  await producer.quit();
  await workerConnection.quit();
  await database.drop();
});

/** The value of one series in a scraped `/metrics` page (0 when absent). */
async function scrape(app: FastifyInstance, series: string): Promise<number> {
  const text = (await app.inject({ method: 'GET', url: '/metrics', headers: adminAuth })).body;
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? 0 : Number(line.slice(series.length + 1));
}

const queueJobs = (state: string) => `hookline_queue_jobs{queue="events",state="${state}"}`;
const oldestAge = 'hookline_queue_oldest_waiting_age_seconds{queue="events"}';

describe('metrics after a scripted sequence of deliveries', () => {
  it('grows the oldest-waiting-age gauge while no worker runs', async () => {
    await ingester.inject(signedDelivery('evt-1', jobBody('job-1', 'queued')));
    const first = await scrape(admin.app, oldestAge);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const second = await scrape(admin.app, oldestAge);
    expect(first).toBeGreaterThanOrEqual(0);
    expect(second).toBeGreaterThan(first);
    expect(await scrape(admin.app, queueJobs('waiting'))).toBe(1);
    expect(await scrape(admin.app, 'hookline_queue_up{queue="events"}')).toBe(1);
  });

  it('scrapes exactly the counts of accepted, duplicate, invalid and failed deliveries', async () => {
    await ingester.inject(signedDelivery('evt-2', jobBody('job-2', 'running')));
    await ingester.inject(signedDelivery('evt-3', jobBody('job-3', 'succeeded')));
    await ingester.inject(signedDelivery('evt-1', jobBody('job-1', 'queued'))); // duplicate at the edge
    const forged = signedDelivery('evt-4', jobBody('job-4', 'queued'));
    await ingester.inject({ ...forged, headers: { ...forged.headers, 'x-signature': `sha256=${'0'.repeat(64)}` } });
    await ingester.inject(
      signedDelivery('evt-poison', '{"type":"job.updated","job":{"id":"job-5","status":"queued"},"x":"\\u0000"}'),
    );

    const shared = {
      db: database.client.db,
      metrics: workerMetrics,
      config: sourcesConfig(),
      logger,
      connection: workerConnection,
      prefix,
      backoff: { baseMs: 20, capMs: 100 },
    };
    forwarder = startForwarder({ ...shared, concurrency: 2 });
    worker = buildWorker({ ...shared, handlers: noHandlers, forwards: forwarder.enqueuer, concurrency: 10 });
    await waitFor('all jobs finished', async () => {
      const counts = await queue.getJobCounts('completed', 'failed');
      return counts.completed === 3 && counts.failed === 1 ? counts : undefined;
    });

    const ingest = (outcome: string) => `hookline_ingest_requests_total{source="jobs",outcome="${outcome}"}`;
    expect(await scrape(ingester, ingest('accepted'))).toBe(4);
    expect(await scrape(ingester, ingest('duplicate'))).toBe(1);
    expect(await scrape(ingester, ingest('invalid_signature'))).toBe(1);
    expect(await scrape(ingester, 'hookline_ack_duration_seconds_count{source="jobs"}')).toBe(6);
    // Every verified delivery is enqueued, the duplicate too: BullMQ and the edge mark tell it apart.
    expect(await scrape(ingester, 'hookline_enqueue_duration_seconds_count')).toBe(5);

    const processed = (outcome: string) => `hookline_events_processed_total{source="jobs",outcome="${outcome}"}`;
    expect(await scrape(workerHealth, processed('stored'))).toBe(3);
    expect(await scrape(workerHealth, processed('failed'))).toBe(1);
    expect(await scrape(workerHealth, processed('duplicate'))).toBe(0);
    expect(await scrape(workerHealth, 'hookline_transitions_total{source="jobs",transition="applied"}')).toBe(3);
    expect(await scrape(workerHealth, 'hookline_end_to_end_seconds_count')).toBe(3);
    expect(await scrape(workerHealth, 'hookline_processing_duration_seconds_count')).toBe(4);

    expect(await scrape(admin.app, queueJobs('waiting'))).toBe(0);
    expect(await scrape(admin.app, queueJobs('completed'))).toBe(3);
    expect(await scrape(admin.app, queueJobs('failed'))).toBe(1);
    expect(await scrape(admin.app, oldestAge)).toBe(0);

    for (const publisher of publishers) await publisher.flush();
    const stats = (await admin.app.inject({ method: 'GET', url: '/api/stats', headers: adminAuth })).json();
    const expected = {
      received: 6,
      accepted: 4,
      duplicatesAtEdge: 1,
      rejected: 1,
      stored: 3,
      duplicatesInDatabase: 0,
      replayed: 0,
      failedAttempts: 1,
      transitions: { applied: 3 },
    };
    expect(stats).toEqual({ bucketSeconds: 300, sources: { jobs: { lastHour: expected, lastDay: expected } } });
  });
});

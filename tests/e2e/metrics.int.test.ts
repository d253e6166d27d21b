import type { WorkerRole } from '@hookline/worker';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Admin, adminAuth, startAdmin } from './admin-harness.js';
import { createPipeline, jobBody, type Pipeline, signedDelivery, waitFor } from './harness.js';

let pipeline: Pipeline;
let worker: WorkerRole | undefined;
let admin: Admin;

beforeAll(async () => {
  pipeline = await createPipeline();
  admin = await startAdmin(pipeline);
});

afterAll(async () => {
  await admin.close();
  await pipeline.close();
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
    await pipeline.ingester.inject(signedDelivery('evt-1', jobBody('job-1', 'queued')));
    const first = await scrape(admin.app, oldestAge);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const second = await scrape(admin.app, oldestAge);
    expect(first).toBeGreaterThanOrEqual(0);
    expect(second).toBeGreaterThan(first);
    expect(await scrape(admin.app, queueJobs('waiting'))).toBe(1);
    expect(await scrape(admin.app, 'hookline_queue_up{queue="events"}')).toBe(1);
  });

  it('scrapes exactly the counts of accepted, duplicate, invalid and failed deliveries', async () => {
    await pipeline.ingester.inject(signedDelivery('evt-2', jobBody('job-2', 'running')));
    await pipeline.ingester.inject(signedDelivery('evt-3', jobBody('job-3', 'succeeded')));
    await pipeline.ingester.inject(signedDelivery('evt-1', jobBody('job-1', 'queued'))); // duplicate at the edge
    const forged = signedDelivery('evt-4', jobBody('job-4', 'queued'));
    await pipeline.ingester.inject({ ...forged, headers: { ...forged.headers, 'x-signature': `sha256=${'0'.repeat(64)}` } });
    await pipeline.ingester.inject(
      signedDelivery('evt-poison', '{"type":"job.updated","job":{"id":"job-5","status":"queued"},"x":"\\u0000"}'),
    );

    worker = await pipeline.startWorker({ concurrency: 10 });
    await waitFor('all jobs finished', async () => {
      const counts = await pipeline.queue.getJobCounts('completed', 'failed');
      return counts.completed === 3 && counts.failed === 1 ? counts : undefined;
    });

    const ingest = (outcome: string) => `hookline_ingest_requests_total{source="jobs",outcome="${outcome}"}`;
    expect(await scrape(pipeline.ingester, ingest('accepted'))).toBe(4);
    expect(await scrape(pipeline.ingester, ingest('duplicate'))).toBe(1);
    expect(await scrape(pipeline.ingester, ingest('invalid_signature'))).toBe(1);
    expect(await scrape(pipeline.ingester, 'hookline_ack_duration_seconds_count{source="jobs"}')).toBe(6);
    // Every verified delivery is enqueued, the duplicate too: BullMQ and the edge mark tell it apart.
    expect(await scrape(pipeline.ingester, 'hookline_enqueue_duration_seconds_count')).toBe(5);

    const processed = (outcome: string) => `hookline_events_processed_total{source="jobs",outcome="${outcome}"}`;
    expect(await scrape(worker.health, processed('stored'))).toBe(3);
    expect(await scrape(worker.health, processed('failed'))).toBe(1);
    expect(await scrape(worker.health, processed('duplicate'))).toBe(0);
    expect(await scrape(worker.health, 'hookline_transitions_total{source="jobs",transition="applied"}')).toBe(3);
    expect(await scrape(worker.health, 'hookline_end_to_end_seconds_count')).toBe(3);
    expect(await scrape(worker.health, 'hookline_processing_duration_seconds_count')).toBe(4);

    expect(await scrape(admin.app, queueJobs('waiting'))).toBe(0);
    expect(await scrape(admin.app, queueJobs('completed'))).toBe(3);
    expect(await scrape(admin.app, queueJobs('failed'))).toBe(1);
    expect(await scrape(admin.app, oldestAge)).toBe(0);

    // The stats each role publishes every 5 s, flushed by hand here.
    await pipeline.ingesterRole.stats.flush();
    await worker.stats.flush();
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

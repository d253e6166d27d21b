import { entityStates, webhookEvents } from '@hookline/db';
import { count, isNull } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createPipeline,
  exited,
  JOB_RANKS,
  jobBody,
  type Pipeline,
  seededRandom,
  signedDelivery,
  spawnWorker,
  waitFor,
} from './harness.js';

const RANKS = JOB_RANKS;
const STATUSES = Object.keys(RANKS);

interface Delivery {
  readonly eventId: string;
  readonly entityId: string;
  readonly status: string;
}

/** 200 entities, each with a random non-empty subset of statuses, every delivery sent twice, all shuffled. */
function plan(seed: number): { deliveries: Delivery[]; expected: Map<string, string>; uniqueEvents: number } {
  const next = seededRandom(seed);
  const deliveries: Delivery[] = [];
  const expected = new Map<string, string>();
  let uniqueEvents = 0;
  for (let entity = 0; entity < 200; entity++) {
    const entityId = `entity-${entity}`;
    const chosen = STATUSES.filter(() => next() < 0.6);
    const statuses = chosen.length > 0 ? chosen : ['running'];
    expected.set(
      entityId,
      statuses.reduce((best, status) => ((RANKS[status] ?? 0) > (RANKS[best] ?? 0) ? status : best)),
    );
    for (const status of statuses) {
      const delivery = { eventId: `${entityId}-${status}`, entityId, status };
      deliveries.push(delivery, delivery);
      uniqueEvents++;
    }
  }
  for (let i = deliveries.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [deliveries[i], deliveries[j]] = [deliveries[j] as Delivery, deliveries[i] as Delivery];
  }
  return { deliveries, expected, uniqueEvents };
}

let pipeline: Pipeline;

beforeEach(async () => {
  pipeline = await createPipeline();
});

afterEach(async () => {
  await pipeline.close();
});

async function deliverAll(deliveries: Delivery[]): Promise<void> {
  for (let i = 0; i < deliveries.length; i += 50) {
    const batch = deliveries.slice(i, i + 50);
    const responses = await Promise.all(
      batch.map((delivery) =>
        pipeline.ingester.inject(signedDelivery(delivery.eventId, jobBody(delivery.entityId, delivery.status))),
      ),
    );
    expect(responses.every((response) => response.statusCode === 200)).toBe(true);
  }
}

async function expectConverged(expected: Map<string, string>, uniqueEvents: number): Promise<void> {
  const db = pipeline.database.client.db;
  await waitFor(
    'every event processed',
    async () => {
      const [row] = await db.select({ n: count() }).from(webhookEvents);
      const counts = await pipeline.queue.getJobCounts('waiting', 'active', 'delayed');
      return row?.n === uniqueEvents && counts.waiting === 0 && counts.active === 0 && counts.delayed === 0 ? true : undefined;
    },
    60_000,
  );
  const states = await db.select().from(entityStates);
  expect(states).toHaveLength(expected.size);
  const mismatched = states.filter((state) => expected.get(state.entityId) !== state.status);
  expect(mismatched).toEqual([]);
  const [{ n } = { n: -1 }] = await db.select({ n: count() }).from(webhookEvents);
  expect(n).toBe(uniqueEvents);
  // Converged means every event's effects committed, not only that a row was written: a
  // failed attempt writes a row too.
  const [{ unprocessed } = { unprocessed: -1 }] = await db
    .select({ unprocessed: count() })
    .from(webhookEvents)
    .where(isNull(webhookEvents.processedAt));
  expect(unprocessed).toBe(0);
  expect(await pipeline.queue.getFailedCount()).toBe(0);
}

/** The workers that processed the completed jobs, by the name each records on its jobs. */
async function processedBy(): Promise<Set<string | undefined>> {
  const jobs = await pipeline.queue.getJobs(['completed'], 0, -1);
  return new Set(jobs.map((job) => job.processedBy));
}

describe('concurrent, shuffled, duplicated status events', () => {
  it('leave every entity at its highest-ranked status with a worker of concurrency 20', async () => {
    const { deliveries, expected, uniqueEvents } = plan(7);
    await deliverAll(deliveries);
    await pipeline.startWorker({ concurrency: 20 });
    await expectConverged(expected, uniqueEvents);
  });

  it('leave every entity at its highest-ranked status with two worker processes', async () => {
    const { deliveries, expected, uniqueEvents } = plan(11);
    const workers = [spawnWorker(pipeline, { WORKER_CONCURRENCY: '20' }), spawnWorker(pipeline, { WORKER_CONCURRENCY: '20' })];
    try {
      // Both take jobs from the start, so the backlog is shared rather than drained by the first up.
      await waitFor('both workers connected', async () => ((await pipeline.queue.getWorkersCount()) >= 2 ? true : undefined));
      await deliverAll(deliveries);
      await expectConverged(expected, uniqueEvents);
      const names = await processedBy();
      expect(names.has(undefined)).toBe(false);
      expect(names.size).toBe(2);
    } finally {
      for (const worker of workers) worker.kill('SIGTERM');
    }
    // SIGTERM is a clean shutdown: both exit 0.
    expect(await Promise.all(workers.map(exited))).toEqual([0, 0]);
  });
});

import { parseSourcesConfig } from '@hookline/core';
import { entityStates, webhookEvents } from '@hookline/db';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPipeline, jobBody, type Pipeline, signedDelivery, waitFor } from './harness.js';

let pipeline: Pipeline;

beforeAll(async () => {
  pipeline = await createPipeline();
  await pipeline.startWorker();
});

afterAll(async () => {
  await pipeline.close();
});

async function events(eventId: string) {
  return pipeline.database.client.db.select().from(webhookEvents).where(eq(webhookEvents.eventId, eventId));
}

async function processed(eventId: string) {
  return waitFor(`event ${eventId} processed`, async () => {
    const [row] = await events(eventId);
    return row?.processedAt ? row : undefined;
  });
}

async function entity(entityId: string) {
  const [row] = await pipeline.database.client.db.select().from(entityStates).where(eq(entityStates.entityId, entityId));
  return row;
}

describe('a signed delivery, end to end', () => {
  it('is acknowledged, then stored once with its raw body byte-exact and its entity state set', async () => {
    const body = '{ "type": "job.updated",\n  "job": {"id": "job-1", "status": "running", "n": 1.50} }';
    const response = await pipeline.ingester.inject(signedDelivery('evt-1', body));
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'accepted', source: 'jobs', eventId: 'evt-1' });
    const row = await processed('evt-1');
    expect(row).toMatchObject({
      source: 'jobs',
      eventType: 'job.updated',
      entityId: 'job-1',
      status: 'running',
      transition: 'applied',
    });
    expect(row.rawBody).toBe(body);
    expect(row.headers).not.toHaveProperty('x-signature');
    expect(await entity('job-1')).toMatchObject({ status: 'running', statusRank: 2, lastEventId: 'evt-1' });
  });
});

describe('the duplicate-webhook race', () => {
  it('answers 50 concurrent deliveries of one event with 200 and stores one row and one status change', async () => {
    const responses = await Promise.all(
      Array.from({ length: 50 }, () => pipeline.ingester.inject(signedDelivery('evt-race', jobBody('job-race', 'queued')))),
    );
    expect(responses.map((response) => response.statusCode)).toEqual(Array(50).fill(200));
    const statuses = responses.map((response) => response.json().status);
    expect(statuses.filter((status) => status === 'accepted')).toHaveLength(1);
    await processed('evt-race');
    expect(await events('evt-race')).toHaveLength(1);
    const applied = await pipeline.database.client.db.select().from(webhookEvents).where(eq(webhookEvents.entityId, 'job-race'));
    expect(applied.filter((row) => row.transition === 'applied')).toHaveLength(1);
  });

  it('stores one row when the event is re-sent after its job left Redis', async () => {
    await pipeline.ingester.inject(signedDelivery('evt-late', jobBody('job-late', 'queued')));
    await processed('evt-late');
    const job = await waitFor('completed job', async () => {
      const found = await pipeline.queue.getJob('jobs/evt-late');
      return (await found?.isCompleted()) ? found : undefined;
    });
    await job.remove();

    const again = await pipeline.ingester.inject(signedDelivery('evt-late', jobBody('job-late', 'queued')));
    expect(again.json().status).toBe('accepted');
    const rerun = await waitFor('second job completed', async () => {
      const found = await pipeline.queue.getJob('jobs/evt-late');
      return (await found?.isCompleted()) ? found : undefined;
    });
    expect(rerun.returnvalue).toEqual({ kind: 'duplicate' });
    expect(await events('evt-late')).toHaveLength(1);
  });
});

describe('out-of-order deliveries', () => {
  it('keeps succeeded when a late running arrives, storing the late event as terminal', async () => {
    await pipeline.ingester.inject(signedDelivery('evt-ooo-1', jobBody('job-ooo', 'succeeded')));
    await processed('evt-ooo-1');
    await pipeline.ingester.inject(signedDelivery('evt-ooo-2', jobBody('job-ooo', 'running')));
    expect((await processed('evt-ooo-2')).transition).toBe('terminal');
    expect((await entity('job-ooo'))?.status).toBe('succeeded');
  });
});

describe('failures', () => {
  it('fails a poison event at once with its reason, and keeps processing others', async () => {
    const poison = '{"type":"job.updated","job":{"id":"job-poison","status":"queued"},"note":"\\u0000"}';
    await pipeline.ingester.inject(signedDelivery('evt-poison', poison));
    const failed = await waitFor('poison job failed', async () => {
      const job = await pipeline.queue.getJob('jobs/evt-poison');
      // Fetched again once failed: the first snapshot may predate the failure.
      return (await job?.isFailed()) ? pipeline.queue.getJob('jobs/evt-poison') : undefined;
    });
    expect(failed.attemptsMade).toBe(1);
    expect(failed.failedReason).toMatch(/unsupported Unicode escape sequence/);
    const [row] = await events('evt-poison');
    expect(row).toMatchObject({ processedAt: null, attempts: 1, lastError: expect.stringMatching(/Unicode/) });

    await pipeline.ingester.inject(signedDelivery('evt-after-poison', jobBody('job-after', 'queued')));
    expect((await processed('evt-after-poison')).transition).toBe('applied');
  });

  it('retries a retryable failure with backoff, then keeps the job failed and the event visible', async () => {
    const other = parseSourcesConfig('sources:\n  - {name: other, provider: hmac-sha256, secrets: [X]}\n', { X: 'x' });
    if (!other.ok) throw new Error('config');
    const isolated = await createPipeline();
    try {
      // A worker whose config lacks the source: every attempt fails with a retryable error.
      await isolated.startWorker({ config: other.config });
      await isolated.ingester.inject(signedDelivery('evt-retry', jobBody('job-retry', 'queued')));
      const failed = await waitFor('job failed after its attempts', async () => {
        const job = await isolated.queue.getJob('jobs/evt-retry');
        return (await job?.isFailed()) ? isolated.queue.getJob('jobs/evt-retry') : undefined;
      });
      expect(failed.attemptsMade).toBe(3);
      expect(failed.failedReason).toMatch(/not configured in this worker/);
      const [row] = await isolated.database.client.db.select().from(webhookEvents).where(eq(webhookEvents.eventId, 'evt-retry'));
      expect(row).toMatchObject({ processedAt: null, attempts: 3, lastError: expect.stringMatching(/not configured/) });
    } finally {
      await isolated.close();
    }
  });
});

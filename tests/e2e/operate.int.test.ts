import { parseSourcesConfig } from '@hookline/core';
import { entityStates, operatorActions, webhookEvents } from '@hookline/db';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Admin, adminAuth, startAdmin } from './admin-harness.js';
import { createPipeline, jobBody, type Pipeline, signedDelivery, waitFor } from './harness.js';

let pipeline: Pipeline;
let admin: Admin;

beforeAll(async () => {
  pipeline = await createPipeline();
  await pipeline.startWorker();
  admin = await startAdmin(pipeline);
});

afterAll(async () => {
  await admin.close();
  await pipeline.close();
});

async function deliverAndProcess(eventId: string, entityId: string, status: string) {
  await pipeline.ingester.inject(signedDelivery(eventId, jobBody(entityId, status)));
  return waitFor(`event ${eventId} processed`, async () => {
    const [row] = await pipeline.database.client.db.select().from(webhookEvents).where(eq(webhookEvents.eventId, eventId));
    return row?.processedAt ? row : undefined;
  });
}

async function entity(entityId: string) {
  const [row] = await pipeline.database.client.db
    .select()
    .from(entityStates)
    .where(and(eq(entityStates.source, 'jobs'), eq(entityStates.entityId, entityId)));
  return row;
}

const api = (method: 'GET' | 'POST', url: string, payload?: object) =>
  admin.app.inject({ method, url, headers: adminAuth, ...(payload && { payload }) });

async function replayed(source: string, eventId: string) {
  return waitFor('the replay to be recorded', async () => {
    const { replays } = (await api('GET', `/api/events/${source}/${eventId}`)).json();
    return replays.every((replay: { completedAt: string | null }) => replay.completedAt !== null) ? replays : undefined;
  });
}

describe('replay through the worker', () => {
  it('re-runs a processed event on purpose: forward-only, result recorded, event row untouched', async () => {
    await deliverAndProcess('evt-rp-1', 'job-rp', 'running');

    const first = await api('POST', '/api/events/jobs/evt-rp-1/replay', { reason: 'downstream was down' });
    expect(first.statusCode).toBe(202);
    expect(await replayed('jobs', 'evt-rp-1')).toEqual([
      expect.objectContaining({ actor: 'admin', reason: 'downstream was down', jobId: first.json().jobId, result: 'unchanged' }),
    ]);

    // An operator moves the entity back; replaying the event moves it forward again, on purpose.
    const override = await api('POST', '/api/entities/jobs/job-rp/status', { status: 'queued', reason: 'wrong status reported' });
    expect(override.json()).toMatchObject({ previous: 'running', status: 'queued' });
    await api('POST', '/api/events/jobs/evt-rp-1/replay');
    const replays = await replayed('jobs', 'evt-rp-1');
    expect(replays.map((replay: { result: string }) => replay.result)).toEqual(['unchanged', 'applied']);
    expect(await entity('job-rp')).toMatchObject({ status: 'running', lastEventId: 'evt-rp-1' });

    const [row] = await pipeline.database.client.db.select().from(webhookEvents).where(eq(webhookEvents.eventId, 'evt-rp-1'));
    expect(row?.transition).toBe('applied');
    const history = (await api('GET', '/api/entities/jobs/job-rp')).json().events;
    expect(history.map((event: { transition: string }) => event.transition)).toEqual(['applied', 'override']);
  });

  it('cannot move a terminal entity backwards by replaying an older event', async () => {
    await deliverAndProcess('evt-rp-2a', 'job-rp2', 'running');
    await deliverAndProcess('evt-rp-2b', 'job-rp2', 'succeeded');
    await api('POST', '/api/events/jobs/evt-rp-2a/replay');
    expect((await replayed('jobs', 'evt-rp-2a'))[0].result).toBe('terminal');
    expect((await entity('job-rp2'))?.status).toBe('succeeded');
  });
});

describe('operator override through the pipeline', () => {
  it('re-opens a terminal entity with an audit row, after which deliveries move it forward again', async () => {
    await deliverAndProcess('evt-ov-1', 'job-ov', 'succeeded');
    const response = await api('POST', '/api/entities/jobs/job-ov/status', {
      status: 'running',
      reason: 'run restarted by support',
    });
    expect(response.statusCode).toBe(200);

    const later = await deliverAndProcess('evt-ov-2', 'job-ov', 'finishing');
    expect(later.transition).toBe('applied');
    expect((await entity('job-ov'))?.status).toBe('finishing');

    const audit = await pipeline.database.client.db.select().from(operatorActions).where(eq(operatorActions.entityId, 'job-ov'));
    expect(audit).toEqual([
      expect.objectContaining({
        actor: 'admin',
        action: 'override',
        reason: 'run restarted by support',
        eventId: response.json().eventId,
        detail: { from: 'succeeded', to: 'running' },
      }),
    ]);
  });
});

describe('POST /api/failed/retry', () => {
  it('retries one source or all failed jobs, and they are then processed', async () => {
    const isolated = await createPipeline();
    const isolatedAdmin = await startAdmin(isolated);
    try {
      const other = parseSourcesConfig('sources:\n  - {name: other, provider: hmac-sha256, secrets: [X]}\n', { X: 'x' });
      if (!other.ok) throw new Error(other.problems.join());
      const failAll = async () => {
        const misconfigured = await isolated.startWorker({ config: other.config });
        await waitFor('both jobs failed', async () =>
          (await isolated.queue.getJobCounts('failed')).failed === 2 ? true : undefined,
        );
        await misconfigured.close();
      };
      for (const id of ['evt-f1', 'evt-f2']) await isolated.ingester.inject(signedDelivery(id, jobBody(`job-${id}`, 'queued')));
      await failAll();

      const call = (url: string) => isolatedAdmin.app.inject({ method: 'POST', url, headers: adminAuth });
      expect((await call('/api/failed/retry?source=billing')).json()).toEqual({ retried: 0 });
      expect((await call('/api/failed/retry?source=jobs')).json()).toEqual({ retried: 2 });
      expect(await isolated.queue.getJobCounts('failed', 'waiting')).toEqual({ failed: 0, waiting: 2 });

      // A retried job keeps its attempt count: failing again, it fails at once, without backoff.
      await failAll();
      expect((await call('/api/failed/retry')).json()).toEqual({ retried: 2 });
      await isolated.startWorker();
      await waitFor('both events stored', async () => {
        const rows = await isolated.database.client.db.select().from(webhookEvents);
        return rows.filter((row) => row.processedAt !== null).length === 2 ? rows : undefined;
      });
      const audit = await isolated.database.client.db.select().from(operatorActions);
      expect(audit.map((row) => [row.actor, row.action, row.source, row.detail])).toEqual([
        ['admin', 'retry_failed', 'billing', { retried: 0 }],
        ['admin', 'retry_failed', 'jobs', { retried: 2 }],
        ['admin', 'retry_failed', null, { retried: 2 }],
      ]);
    } finally {
      await isolatedAdmin.close();
      await isolated.close();
    }
  });
});

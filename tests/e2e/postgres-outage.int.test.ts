import { parseSourcesConfig } from '@hookline/core';
import { listForwards, webhookEvents } from '@hookline/db';
import { testServerUrl } from '@hookline/db/testing';
import { count } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPipeline, jobBody, type Pipeline, SOURCES_YAML, signedDelivery, sourceEnv, waitFor } from './harness.js';
import { startReceiver } from './receiver.js';
import { startTcpProxy, type TcpProxy } from './tcp-proxy.js';

const EVENTS = 30;

let pipeline: Pipeline;
let proxy: TcpProxy;
let viaProxy: string;

beforeAll(async () => {
  pipeline = await createPipeline();
  const server = testServerUrl();
  proxy = await startTcpProxy({ host: server.hostname, port: Number(server.port || 5432) });
  const url = new URL(pipeline.database.url);
  url.port = String(proxy.port);
  viaProxy = url.toString();
});

afterAll(async () => {
  await proxy.down();
  await pipeline.close();
});

describe('Postgres unreachable under load', () => {
  it('parks jobs without using up their attempts, shows not ready, and stores every event once when it returns', async () => {
    await proxy.down();
    // The pipeline's queue allows 3 attempts with 20–100 ms between them: an outage of
    // seconds would fail every job if waiting for Postgres used attempts up.
    const worker = await pipeline.startWorker({ databaseUrl: viaProxy });
    for (let index = 0; index < EVENTS; index++) {
      const response = await pipeline.ingester.inject(signedDelivery(`pg-${index}`, jobBody(`job-${index % 5}`, 'running')));
      expect(response.statusCode).toBe(200);
    }
    expect((await worker.health.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(503);
    await new Promise((resolve) => setTimeout(resolve, 3000));

    expect(await pipeline.queue.getFailedCount()).toBe(0);
    const pending = await pipeline.queue.getJobs(['delayed', 'waiting', 'active', 'prioritized']);
    expect(pending).toHaveLength(EVENTS);
    // The worker's 20 slots took jobs and parked them (postgres.js spaces its reconnection
    // attempts), and no job used any of its 3 attempts: a failed one counts in attemptsMade.
    expect(pending.map((job) => job.attemptsMade)).toEqual(Array(EVENTS).fill(0));
    expect(pending.filter((job) => job.attemptsStarted > 0).length).toBeGreaterThanOrEqual(20);

    await proxy.up();
    await waitFor(
      'every event stored',
      async () => {
        const [row] = await pipeline.database.client.db.select({ n: count() }).from(webhookEvents);
        const counts = await pipeline.queue.getJobCounts('completed', 'delayed', 'waiting', 'active', 'failed');
        return row?.n === EVENTS && counts.completed === EVENTS ? counts : undefined;
      },
      60_000,
    );
    expect(await pipeline.queue.getJobCounts('delayed', 'waiting', 'active', 'failed')).toEqual({
      delayed: 0,
      waiting: 0,
      active: 0,
      failed: 0,
    });
    expect((await worker.health.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
    await worker.close();
  });
});

describe('Postgres unreachable while a delivery is being forwarded', () => {
  it('parks the delivery without using its attempts, and delivers it once Postgres is back', async () => {
    const FORWARD_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    // The first send hangs past its timeout; by the time it ends, Postgres is gone.
    const receiver = await startReceiver((_request, index) => (index === 0 ? 'hang' : { status: 200 }));
    const yaml = `${SOURCES_YAML}    forward: [{ url: ${JSON.stringify(receiver.url())}, secretEnv: FORWARD_SECRET, timeoutMs: 1000, attempts: 2 }]\n`;
    const parsed = parseSourcesConfig(yaml, { ...sourceEnv, FORWARD_SECRET });
    if (!parsed.ok) throw new Error(parsed.problems.join());
    const worker = await pipeline.startWorker({ databaseUrl: viaProxy, config: parsed.config });
    try {
      await pipeline.ingester.inject(signedDelivery('fwd-outage', jobBody('job-fwd', 'running')));
      await waitFor('the first send to reach the receiver', async () => (receiver.requests.length > 0 ? true : undefined));
      await proxy.down();
      await new Promise((resolve) => setTimeout(resolve, 3000));

      // Two attempts with 20–100 ms between them: spent within the outage, had it used them.
      const [job] = await worker.forwarder.queue.getJobs(['delayed', 'waiting', 'active', 'failed']);
      expect(job?.attemptsMade).toBe(0);
      expect(await worker.forwarder.queue.getFailedCount()).toBe(0);

      await proxy.up();
      const delivery = await waitFor('the delivery made', async () => {
        const [found] = await listForwards(pipeline.database.client.db, { source: 'jobs', eventId: 'fwd-outage' });
        return found?.state === 'delivered' ? found : undefined;
      });
      expect(receiver.requests).toHaveLength(2);
      expect(delivery.attemptLog.at(-1)).toMatchObject({ outcome: 'delivered', statusCode: 200 });
    } finally {
      await worker.close();
      await receiver.close();
    }
  });
});

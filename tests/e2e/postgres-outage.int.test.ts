import { createDatabase, type DatabaseClient, webhookEvents } from '@hookline/db';
import { testServerUrl } from '@hookline/db/testing';
import { createWorkerConnection } from '@hookline/queue';
import { testRedisUrl } from '@hookline/queue/testing';
import { createLogger } from '@hookline/runtime';
import { buildHealthServer, createWorkerMetrics } from '@hookline/worker';
import { count } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPipeline, jobBody, type Pipeline, signedDelivery, waitFor } from './harness.js';
import { startTcpProxy, type TcpProxy } from './tcp-proxy.js';

const EVENTS = 30;

let pipeline: Pipeline;
let proxy: TcpProxy;
let client: DatabaseClient;
let connection: Redis;
let health: FastifyInstance;

beforeAll(async () => {
  pipeline = await createPipeline();
  const server = testServerUrl();
  proxy = await startTcpProxy({ host: server.hostname, port: Number(server.port || 5432) });
  const viaProxy = new URL(pipeline.database.url);
  viaProxy.port = String(proxy.port);
  client = createDatabase(viaProxy.toString(), { maxConnections: 10 });
  connection = createWorkerConnection(testRedisUrl());
  const logger = createLogger({ name: 'e2e', level: 'silent' });
  health = await buildHealthServer({ db: client.db, connection, logger, registry: createWorkerMetrics().registry });
});

afterAll(async () => {
  await health.close();
  await connection.quit();
  await client.close();
  await proxy.down();
  await pipeline.close();
});

describe('Postgres unreachable under load', () => {
  it('parks jobs without using up their attempts, shows not ready, and stores every event once when it returns', async () => {
    await proxy.down();
    // The pipeline's queue allows 3 attempts with 20–100 ms between them: an outage of
    // seconds would fail every job if waiting for Postgres used attempts up.
    const worker = pipeline.startWorker({ db: client.db });
    for (let index = 0; index < EVENTS; index++) {
      const response = await pipeline.ingester.inject(signedDelivery(`pg-${index}`, jobBody(`job-${index % 5}`, 'running')));
      expect(response.statusCode).toBe(200);
    }
    expect((await health.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(503);
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
    expect((await health.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
    await worker.close();
  });
});

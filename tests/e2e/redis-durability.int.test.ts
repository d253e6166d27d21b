import { type PrivateRedis, privateRedis, testPrefix } from '@hookline/queue/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureOutput, createPipeline, exited, type Pipeline, spawnIngester, spawnWorker, waitFor } from './harness.js';

let redis: PrivateRedis;
let pipeline: Pipeline;

beforeAll(async () => {
  redis = await privateRedis();
  await redis.start(['--maxmemory-policy', 'allkeys-lru', '--appendonly', 'no']);
  pipeline = await createPipeline();
});

afterAll(async () => {
  await pipeline.close();
  await redis.remove();
});

describe('a Redis that may evict queued events', () => {
  it('makes the ingester and the worker log a loud error, and keep serving', async () => {
    const ingester = await spawnIngester({ prefix: testPrefix(), env: { REDIS_URL: redis.url } });
    const worker = spawnWorker(pipeline, { REDIS_URL: redis.url }, undefined, 'pipe');
    const workerOutput = captureOutput(worker);
    const warned = (output: string) => output.includes('REDIS CAN LOSE ACKNOWLEDGED EVENTS') && output.includes('allkeys-lru');
    await waitFor('both roles to warn', async () => (warned(ingester.output()) && warned(workerOutput()) ? true : undefined));
    expect(ingester.output()).toContain('appendonly');
    expect((await fetch(`${ingester.url}/readyz`)).status).toBe(200);
    ingester.child.kill('SIGTERM');
    worker.kill('SIGTERM');
    expect(await Promise.all([exited(ingester.child), exited(worker)])).toEqual([0, 0]);
  });

  it('stops both roles with exit code 1 when HOOKLINE_REQUIRE_NOEVICTION is set', async () => {
    const env = { REDIS_URL: redis.url, HOOKLINE_REQUIRE_NOEVICTION: 'true' };
    const ingester = spawnIngester({ prefix: testPrefix(), env });
    // It may stop before or after it first answers /healthz; either way it must end with 1.
    const started = await ingester.then(
      (running) => running,
      (error: Error) => error,
    );
    if (started instanceof Error) {
      expect(started.message).toContain('ingester exited with 1');
      expect(started.message).toContain('maxmemory-policy is allkeys-lru');
    } else {
      expect(await exited(started.child)).toBe(1);
      expect(started.output()).toContain('maxmemory-policy is allkeys-lru');
    }
    const worker = spawnWorker(pipeline, env, undefined, 'pipe');
    const workerOutput = captureOutput(worker);
    expect(await exited(worker)).toBe(1);
    expect(workerOutput()).toContain('HOOKLINE_REQUIRE_NOEVICTION is set');
  });
});

import { freePort, testPrefix } from '@hookline/queue/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { exited, type SpawnedIngester, spawnIngester } from './harness.js';

describe('the ingester with HOOKLINE_METRICS_PORT', () => {
  let ingester: SpawnedIngester | undefined;
  afterAll(async () => {
    if (ingester === undefined) return;
    ingester.child.kill('SIGTERM');
    await exited(ingester.child);
  });

  it('serves /metrics and /readyz there, and on the public port only webhooks and /healthz', async () => {
    const metricsPort = await freePort();
    ingester = await spawnIngester({ prefix: testPrefix(), env: { HOOKLINE_METRICS_PORT: String(metricsPort) } });
    const internal = `http://127.0.0.1:${metricsPort}`;

    expect((await fetch(`${ingester.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${ingester.url}/metrics`)).status).toBe(404);
    expect((await fetch(`${ingester.url}/readyz`)).status).toBe(404);
    expect((await fetch(`${ingester.url}/webhooks/jobs`, { method: 'POST', body: '{}' })).status).toBe(401);

    const metrics = await fetch(`${internal}/metrics`);
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toContain('hookline_ingest_requests_total{source="jobs",outcome="missing_signature"} 1');
    expect((await fetch(`${internal}/readyz`)).status).toBe(200);
    expect((await fetch(`${internal}/webhooks/jobs`, { method: 'POST', body: '{}' })).status).toBe(404);
  });
});

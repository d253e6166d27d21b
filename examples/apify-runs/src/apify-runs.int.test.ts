import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseSourcesConfig, signHmacSha256 } from '@hookline/core';
import { webhookEvents } from '@hookline/db';
import { createPipeline, type Pipeline, waitFor } from '@hookline/e2e/harness';
import { loadHandlers } from '@hookline/worker';
import { count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apifyRuns, createApifyRunsTable } from './apify-runs-table.js';

const exampleDir = fileURLToPath(new URL('..', import.meta.url));
const SECRET = 'apify-test-secret';

let pipeline: Pipeline;

// The example's own sources file and handler module, loaded as the worker loads them.
beforeAll(async () => {
  const parsed = parseSourcesConfig(readFileSync(`${exampleDir}/hookline.config.yaml`, 'utf8'), { APIFY_WEBHOOK_SECRET: SECRET });
  if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
  pipeline = await createPipeline({ config: parsed.config });
  await createApifyRunsTable(pipeline.database.client.db);
  await pipeline.startWorker({ handlers: await loadHandlers(parsed.config, exampleDir) });
});

afterAll(async () => {
  await pipeline.close();
});

function runWebhook(runId: string, status: string, extra: Record<string, unknown> = {}) {
  const eventType = ['SUCCEEDED', 'FAILED', 'ABORTED', 'TIMED-OUT'].includes(status)
    ? `ACTOR.RUN.${status}`
    : 'ACTOR.RUN.CREATED';
  const body = JSON.stringify({
    userId: 'user_1',
    eventType,
    eventData: { actorId: 'act_1', actorRunId: runId },
    resource: { id: runId, actId: 'act_1', status, defaultDatasetId: `ds_${runId}`, finishedAt: null, ...extra },
  });
  const timestamp = Math.floor(Date.now() / 1000);
  return {
    method: 'POST' as const,
    url: '/webhooks/apify',
    payload: body,
    headers: {
      'content-type': 'application/json',
      'x-event-id': `${runId}-${status}`,
      'x-timestamp': String(timestamp),
      'x-signature': `sha256=${signHmacSha256(SECRET, `${runId}-${status}`, timestamp, Buffer.from(body))}`,
    },
  };
}

async function deliver(runId: string, status: string, extra?: Record<string, unknown>): Promise<void> {
  const response = await pipeline.ingester.inject(runWebhook(runId, status, extra));
  expect(response.statusCode).toBe(200);
}

async function eventCount(): Promise<number> {
  const [row] = await pipeline.database.client.db.select({ n: count() }).from(webhookEvents);
  return row?.n ?? 0;
}

async function run(runId: string) {
  const rows = await pipeline.database.client.db.select().from(apifyRuns).where(eq(apifyRuns.runId, runId));
  return rows;
}

async function settled(expectedEvents: number): Promise<void> {
  await waitFor('events processed', async () => {
    const counts = await pipeline.queue.getJobCounts('waiting', 'active', 'delayed');
    return (await eventCount()) === expectedEvents && Object.values(counts).every((n) => n === 0) ? true : undefined;
  });
}

describe('the apify-runs example', () => {
  it('keeps a run at SUCCEEDED when RUNNING arrives late and SUCCEEDED arrives three times', async () => {
    const finishedAt = '2026-01-01T10:00:00.000Z';
    await deliver('run_a', 'SUCCEEDED', { finishedAt });
    await settled(1);
    await deliver('run_a', 'RUNNING');
    await Promise.all([1, 2, 3].map(() => deliver('run_a', 'SUCCEEDED', { finishedAt })));
    await settled(2);

    expect(await run('run_a')).toMatchObject([
      { runId: 'run_a', actorId: 'act_1', status: 'SUCCEEDED', datasetId: 'ds_run_a', finishedAt: new Date(finishedAt) },
    ]);
  });

  it('ends every run of a shuffled, duplicated stream at its furthest status, one row each', async () => {
    const plan: [string, string][] = [];
    for (const runId of ['run_1', 'run_2', 'run_3', 'run_4', 'run_5']) {
      for (const status of ['READY', 'RUNNING', 'SUCCEEDED']) plan.push([runId, status], [runId, status]);
    }
    plan.sort(() => Math.random() - 0.5);
    const before = await eventCount();
    await Promise.all(plan.map(([runId, status]) => deliver(runId, status)));
    await settled(before + 15);

    for (const runId of ['run_1', 'run_2', 'run_3', 'run_4', 'run_5']) {
      expect(await run(runId)).toMatchObject([{ status: 'SUCCEEDED', datasetId: `ds_${runId}` }]);
    }
  });
});

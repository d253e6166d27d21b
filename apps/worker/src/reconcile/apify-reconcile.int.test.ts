import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeApify, type RunShort, run, startFakeApify } from '../../test-fixtures/provider-apis/apify-api.js';
import { type ReconcileHarness, startReconcileHarness } from '../../test-fixtures/reconcile-harness.js';
import { reconcileSource } from './reconcile-source.js';

const TOKEN = 'apify_api_reconcileTest';
const WEBHOOK_TOKEN = 'apify-webhook-token';
const minute = 60 * 1000;

let api: FakeApify;
let harness: ReconcileHarness;
const sleeps: number[] = [];
const http = {
  sleep: async (ms: number) => {
    sleeps.push(ms);
    await new Promise((resolve) => setTimeout(resolve, ms));
  },
};

/** Apify's own webhook for a run, with the default payload template, through the ingester. */
async function dispatch(eventType: string, runState: RunShort): Promise<void> {
  const response = await harness.ingester.app.inject({
    method: 'POST',
    url: '/webhooks/apify',
    payload: JSON.stringify({
      userId: 'user1',
      createdAt: new Date().toISOString(),
      eventType,
      eventData: { actorId: runState.actId, actorRunId: runState.id },
      resource: runState,
    }),
    headers: {
      'content-type': 'application/json',
      'x-hookline-token': WEBHOOK_TOKEN,
      'x-apify-webhook-dispatch-id': randomUUID(),
    },
  });
  expect(response.statusCode).toBe(200);
}

const ago = (minutes: number) => new Date(Date.now() - minutes * minute);
const terminal = ['SUCCEEDED', 'FAILED', 'TIMED-OUT', 'ABORTED'] as const;

beforeAll(async () => {
  api = await startFakeApify([TOKEN]);
  api.actors.set('act1', 'acme~scraper');
  api.actors.set('act2', 'acme~other');
  harness = await startReconcileHarness(
    `
sources:
  - name: apify
    provider: apify
    secrets: [APIFY_WEBHOOK_TOKEN]
    reconcile: { credentialEnv: APIFY_TOKEN, baseUrl: "${api.url}", lookbackHours: 48 }
  - name: scraper
    provider: apify
    secrets: [APIFY_WEBHOOK_TOKEN]
    reconcile: { credentialEnv: APIFY_TOKEN, baseUrl: "${api.url}", actors: [acme~scraper] }
`,
    { APIFY_WEBHOOK_TOKEN: WEBHOOK_TOKEN, APIFY_TOKEN: TOKEN },
  );
});

afterAll(async () => {
  await harness?.close();
  await api?.close();
});

describe('reconciling an Apify source against its runs', () => {
  it('brings every run to the status Apify reports, resurrections included, recording each state once', async () => {
    // r1–r10 finished and their webhooks arrived.
    for (let n = 1; n <= 10; n++) {
      const finished = run(`r${n}`, 'act1', 'SUCCEEDED', ago(600 - n), ago(590 - n));
      api.runs.push(finished);
      await dispatch('ACTOR.RUN.SUCCEEDED', finished);
    }
    // r11–r20 finished while no webhook arrived; the even ones were seen starting.
    for (let n = 11; n <= 20; n++) {
      const started = run(`r${n}`, n % 3 === 0 ? 'act2' : 'act1', 'RUNNING', ago(500 - n));
      if (n % 2 === 0) await dispatch('ACTOR.RUN.CREATED', started);
      started.status = terminal[n % 4] as string;
      started.finishedAt = ago(400 - n).toISOString();
      api.runs.push(started);
    }
    // r21 is running and Hookline never heard of it; r24 is timing out.
    api.runs.push(run('r21', 'act1', 'RUNNING', ago(300)), run('r24', 'act1', 'TIMING-OUT', ago(290)));
    // r22 and r23 finished (webhooks arrived), then were resurrected; r23 has failed since.
    const r22 = run('r22', 'act1', 'SUCCEEDED', ago(280), ago(270));
    const r23 = run('r23', 'act1', 'SUCCEEDED', ago(260), ago(250));
    await dispatch('ACTOR.RUN.SUCCEEDED', r22);
    await dispatch('ACTOR.RUN.SUCCEEDED', r23);
    Object.assign(r22, { status: 'RUNNING', finishedAt: null });
    Object.assign(r23, { status: 'FAILED', finishedAt: ago(10).toISOString() });
    api.runs.push(r22, r23);
    // r25 finished three days ago: before the first run's lookback.
    api.runs.push(run('r25', 'act1', 'SUCCEEDED', ago(72 * 60), ago(72 * 60 - 5)));
    await harness.waitForProcessed('apify', 17);

    api.inject((request) =>
      request.url.pathname === '/v2/actor-runs'
        ? {
            status: 429,
            headers: { 'retry-after': '1' },
            body: { error: { type: 'rate-limit-exceeded', message: 'You have exceeded the rate limit.' } },
          }
        : undefined,
    );
    const first = await reconcileSource(harness.deps({ http }), { source: 'apify' });
    // r11–r21 (11), and the resurrections of r22 and r23.
    expect(first).toMatchObject({ outcome: 'succeeded', scanned: 25, missing: 13, recovered: 13 });
    expect(sleeps).toEqual([1000]);
    await harness.waitForProcessed('apify', 30);
    expect(await harness.entity('apify', 'r23')).toBe('RUNNING');

    const second = await reconcileSource(harness.deps({ http }), { source: 'apify' });
    expect(second).toMatchObject({ outcome: 'succeeded', missing: 1, recovered: 1 });
    await harness.waitForProcessed('apify', 31);
    const third = await reconcileSource(harness.deps({ http }), { source: 'apify' });
    expect(third).toMatchObject({ outcome: 'succeeded', missing: 0, recovered: 0 });

    for (const listed of api.runs.filter((candidate) => !['r24', 'r25'].includes(candidate.id))) {
      expect(await harness.entity('apify', listed.id), listed.id).toBe(listed.status);
    }
    expect(await harness.entity('apify', 'r24')).toBeUndefined();
    const rows = await harness.rows('apify');
    const recovered = rows.filter((row) => row.headers?.['x-hookline-recovered'] === 'apify-runs-api');
    expect(recovered.map((row) => row.transition).sort()).toEqual([...Array(12).fill('applied'), 'reopened', 'reopened'].sort());
    expect(rows.find((row) => row.entityId === 'r22' && row.transition === 'reopened')?.eventType).toBe('ACTOR.RUN.RESURRECTED');
    const listed = api.requests.filter((request) => request.url.pathname === '/v2/actor-runs');
    expect(
      listed.every(
        (request) => request.url.searchParams.get('desc') === '1' && request.headers.authorization === `Bearer ${TOKEN}`,
      ),
    ).toBe(true);
  });

  it("lists only the configured actor's runs, by username~actor-name", async () => {
    const report = await reconcileSource(harness.deps({ http }), { source: 'scraper' });
    expect(report.outcome).toBe('succeeded');
    expect(api.requests.at(-1)?.url.pathname).toBe('/v2/acts/acme~scraper/runs');
    await harness.waitForProcessed('scraper', report.recovered);
    const entities = new Set((await harness.rows('scraper')).map((row) => row.entityId));
    expect([...entities].every((id) => api.runs.find((candidate) => candidate.id === id)?.actId === 'act1')).toBe(true);
    expect(entities.has('r12')).toBe(false);
  });

  it('keeps a run at one status when its webhook arrives while a reconciliation records it', async () => {
    const before = (await harness.rows('apify')).length;
    const late = run('r30', 'act1', 'SUCCEEDED', ago(5), ago(1));
    api.runs.push(late);
    const [report] = await Promise.all([
      reconcileSource(harness.deps({ http }), { source: 'apify' }),
      dispatch('ACTOR.RUN.SUCCEEDED', late),
    ]);
    expect(report.outcome).toBe('succeeded');
    await harness.waitForProcessed('apify', before + 1 + report.recovered);
    const rows = (await harness.rows('apify')).filter((row) => row.entityId === 'r30');
    expect(await harness.entity('apify', 'r30')).toBe('SUCCEEDED');
    expect(rows.filter((row) => row.transition === 'applied')).toHaveLength(1);
  });

  it("fails with Apify's reason on a bad token", async () => {
    const report = await reconcileSource(harness.deps({ http, credentials: new Map([['apify', 'apify_api_revoked']]) }), {
      source: 'apify',
    });
    expect(report).toMatchObject({
      outcome: 'unauthorized',
      reason: 'apify refused the credential (401): Authentication token is not valid.',
    });
  });
});

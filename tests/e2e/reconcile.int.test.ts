import { adminEnv, createAdminRole } from '@hookline/admin';
import { parseReconciledSources, parseStatusRules } from '@hookline/core';
import { operatorActions } from '@hookline/db';
import { createReconcileQueue } from '@hookline/queue';
import { createLogger, parseEnv } from '@hookline/runtime';
import {
  type FakeStripe,
  paymentIntentEvent,
  type ReconcileHarness,
  startFakeStripe,
  startReconcileHarness,
} from '@hookline/worker/reconcile-testing';
import { eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, adminAuth } from './admin-harness.js';
import { roleEnv, waitFor } from './harness.js';

const KEY = 'rk_test_e2e';
let api: FakeStripe;
let yaml: string;
let harness: ReconcileHarness;
let admin: { app: FastifyInstance; close(): Promise<void> };

const now = Math.floor(Date.now() / 1000);
const events = (prefix: string, count: number, createdAgo: number) =>
  Array.from({ length: count }, (_, index) =>
    paymentIntentEvent(`evt_${prefix}_${index}`, now - createdAgo + index, `pi_${prefix}_${index}`, 'succeeded'),
  );

beforeAll(async () => {
  api = await startFakeStripe([KEY]);
  // Never delivered: only a reconciliation can bring them in.
  api.events.push(...events('lost', 30, 3600));
  yaml = `
sources:
  - name: payments
    provider: stripe
    secrets: [STRIPE_WEBHOOK_SECRET]
    reconcile: { credentialEnv: STRIPE_API_KEY, baseUrl: "${api.url}", intervalSeconds: 600, lookbackHours: 2 }
  - { name: orders, provider: hmac-sha256, secrets: [ORDERS_SECRET] }
`;
  harness = await startReconcileHarness(
    yaml,
    { STRIPE_WEBHOOK_SECRET: 'whsec_e2e', STRIPE_API_KEY: KEY, ORDERS_SECRET: 'o' },
    { schedule: true },
  );
  const rules = parseStatusRules(yaml);
  const reconciled = parseReconciledSources(yaml);
  if (!rules.ok || !reconciled.ok) throw new Error('bad sources');
  const env = parseEnv(adminEnv, {
    ...roleEnv(harness.prefix),
    DATABASE_URL: harness.databaseUrl,
    HOOKLINE_ADMIN_TOKEN: ADMIN_TOKEN,
  });
  const role = await createAdminRole(env, {
    rules: rules.rules,
    reconciled: reconciled.sources,
    logger: createLogger({ name: 'e2e-admin', level: 'silent' }),
  });
  admin = { app: role.app, close: role.close };
});

afterAll(async () => {
  await admin?.close();
  await harness?.close();
  await api?.close();
});

const runsCounted = async () => {
  let total = 0;
  for (const worker of harness.workers)
    total += (await worker.metrics.reconcileRuns.get()).values.reduce((sum, value) => sum + value.value, 0);
  return total;
};

describe('reconciliation in the worker and the admin', () => {
  it('runs each source once per interval however many worker replicas upsert its schedule', async () => {
    await harness.startWorker();
    await harness.waitForProcessed('payments', 30);
    const queue = createReconcileQueue(harness.worker.connection, { prefix: harness.prefix });
    try {
      const schedulers = await queue.getJobSchedulers();
      expect(schedulers.map((scheduler) => [scheduler.key, scheduler.every])).toEqual([['reconcile-payments', 600_000]]);
      await waitFor('the first run to be counted', async () => ((await runsCounted()) > 0 ? true : undefined));
      expect(await runsCounted()).toBe(1);
      // The run done, and the next one waiting for its interval: nothing else was scheduled.
      await waitFor('the run to complete', async () =>
        (await queue.getJobCounts('completed')).completed === 1 ? true : undefined,
      );
      expect(await queue.getJobCounts('completed', 'active', 'wait', 'delayed')).toEqual({
        completed: 1,
        active: 0,
        wait: 0,
        delayed: 1,
      });
      expect((await harness.rows('payments')).every((row) => row.headers?.['x-hookline-recovered'] === 'stripe-events-api')).toBe(
        true,
      );
    } finally {
      await queue.close();
    }
  });

  it("reconciles on an operator's request, answers with what it found, and records it on the audit trail", async () => {
    api.events.push(...events('later', 5, 600));
    const since = new Date((now - 7200) * 1000).toISOString();
    const response = await admin.app.inject({
      method: 'POST',
      url: '/api/sources/payments/reconcile',
      headers: { ...adminAuth, 'content-type': 'application/json' },
      payload: { since },
    });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body).toMatchObject({
      status: 'finished',
      report: { source: 'payments', outcome: 'succeeded', since, scanned: 35, missing: 5, recovered: 5 },
    });
    await harness.waitForProcessed('payments', 35);
    const [action] = await harness.db.select().from(operatorActions).where(eq(operatorActions.jobId, body.jobId));
    expect(action).toMatchObject({ action: 'reconcile', actor: 'admin', source: 'payments', result: 'succeeded' });
    expect(action?.detail).toMatchObject({ recovered: 5 });
  });

  it('refuses an unknown source, a source without a reconcile block, and a since that is not a time', async () => {
    const post = (source: string, payload: unknown) =>
      admin.app.inject({
        method: 'POST',
        url: `/api/sources/${source}/reconcile`,
        headers: { ...adminAuth, 'content-type': 'application/json' },
        payload: payload as Record<string, unknown>,
      });
    const unknown = await post('nope', {});
    expect([unknown.statusCode, unknown.json().error.code]).toEqual([404, 'source_not_found']);
    const plain = await post('orders', {});
    expect([plain.statusCode, plain.json().error.code]).toEqual([409, 'not_reconcilable']);
    const badSince = await post('payments', { since: 'yesterday' });
    expect(badSince.statusCode).toBe(400);
  });
});

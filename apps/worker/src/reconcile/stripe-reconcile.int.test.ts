import { readReconcileCursor } from '@hookline/db';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type FakeStripe,
  paymentIntentEvent,
  type StripeEvent,
  startFakeStripe,
} from '../../test-fixtures/provider-apis/stripe-api.js';
import { type ReconcileHarness, startReconcileHarness } from '../../test-fixtures/reconcile-harness.js';
import { reconcileSource } from './reconcile-source.js';

const KEY = 'rk_test_reconcile';
const WEBHOOK_SECRET = 'whsec_reconcileTestSecret';
const stripe = new Stripe('sk_test_unused');

let api: FakeStripe;
let harness: ReconcileHarness;
const sleeps: number[] = [];
const http = {
  sleep: async (ms: number) => {
    sleeps.push(ms);
    await new Promise((resolve) => setTimeout(resolve, ms));
  },
};

async function deliver(event: StripeEvent): Promise<number> {
  const payload = JSON.stringify(event, null, 2);
  const response = await harness.ingester.app.inject({
    method: 'POST',
    url: '/webhooks/payments',
    payload,
    headers: {
      'content-type': 'application/json',
      'stripe-signature': stripe.webhooks.generateTestHeaderString({ payload, secret: WEBHOOK_SECRET }),
    },
  });
  return response.statusCode;
}

const counter = (name: 'reconcileRuns' | 'reconcileRecovered') => async (labels: Record<string, string>) =>
  (await harness.worker.metrics[name].get()).values.find((value) =>
    Object.entries(labels).every(([key, label]) => (value.labels as Record<string, string | number>)[key] === label),
  )?.value ?? 0;

// 250 payment intents, each `processing` then `succeeded` (or `canceled`): 500 events over ~42 hours.
const nowSeconds = Math.floor(Date.now() / 1000);
const history: StripeEvent[] = [];
for (let intent = 0; intent < 250; intent++) {
  const created = nowSeconds - (250 - intent) * 600;
  const final = intent % 10 === 0 ? 'canceled' : 'succeeded';
  history.push(paymentIntentEvent(`evt_${intent}_a`, created, `pi_${intent}`, 'processing'));
  history.push(paymentIntentEvent(`evt_${intent}_b`, created + 60, `pi_${intent}`, final));
}
// 120 of them never reached Hookline (every residue < 6 of 7·i mod 25: exactly 120 of 500).
const lost = new Set(history.filter((_, index) => (index * 7) % 25 < 6).map((event) => event.id));

beforeAll(async () => {
  api = await startFakeStripe([KEY]);
  api.events.push(...history);
  harness = await startReconcileHarness(
    `
sources:
  - name: payments
    provider: stripe
    secrets: [STRIPE_WEBHOOK_SECRET]
    reconcile: { credentialEnv: STRIPE_API_KEY, baseUrl: "${api.url}", lookbackHours: 72 }
  - name: captures
    provider: stripe
    secrets: [STRIPE_WEBHOOK_SECRET]
    reconcile: { credentialEnv: STRIPE_API_KEY, baseUrl: "${api.url}", types: [payment_intent.canceled] }
`,
    { STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET, STRIPE_API_KEY: KEY },
  );
  const statuses = await Promise.all(history.filter((event) => !lost.has(event.id)).map(deliver));
  expect(statuses.every((status) => status === 200)).toBe(true);
  await harness.waitForProcessed('payments', 380);
});

afterAll(async () => {
  await harness?.close();
  await api?.close();
});

describe('reconciling a Stripe source against GET /v1/events', () => {
  it('stops at an API outage mid-run with the cursor unmoved, then recovers all 120 lost events through a 429', async () => {
    api.inject((request) =>
      request.url.searchParams.has('starting_after') &&
      api.requests.filter((seen) => seen.url.pathname === '/v1/events').length === 3
        ? { status: 500, body: { error: { type: 'api_error', message: 'An unknown error occurred' } } }
        : undefined,
    );
    const first = await reconcileSource(harness.deps({ http }), { source: 'payments' });
    expect(first).toMatchObject({ outcome: 'unavailable', scanned: 200, settledBefore: null });
    expect(first.reason).toContain('An unknown error occurred');
    expect(await readReconcileCursor(harness.db, 'payments')).toBeUndefined();

    api.inject((request) =>
      request.url.searchParams.has('starting_after')
        ? {
            status: 429,
            headers: { 'retry-after': '1' },
            body: { error: { type: 'invalid_request_error', code: 'rate_limit', message: 'Too many requests' } },
          }
        : undefined,
    );
    const second = await reconcileSource(harness.deps({ http }), { source: 'payments' });
    expect(second).toMatchObject({ outcome: 'succeeded', scanned: 500 });
    expect(sleeps).toEqual([1000]);
    expect(first.recovered + second.recovered).toBe(120);
    expect(await counter('reconcileRecovered')({ source: 'payments' })).toBe(120);

    await harness.waitForProcessed('payments', 500);
    const rows = await harness.rows('payments');
    expect(rows.map((row) => row.eventId).sort()).toEqual(history.map((event) => event.id).sort());
    const recovered = rows
      .filter((row) => row.headers?.['x-hookline-recovered'] === 'stripe-events-api')
      .map((row) => row.eventId);
    expect(new Set(recovered)).toEqual(lost);
    for (let intent = 0; intent < 250; intent++) {
      expect(await harness.entity('payments', `pi_${intent}`)).toBe(intent % 10 === 0 ? 'canceled' : 'succeeded');
    }
  });

  it('asks Stripe with created[gte], limit=100 and starting_after, and after a success from its cursor', async () => {
    const listed = api.requests.filter((request) => request.url.pathname === '/v1/events');
    const firstPage = listed[0]?.url.searchParams;
    expect(firstPage?.get('limit')).toBe('100');
    expect(Number(firstPage?.get('created[gte]'))).toBeLessThanOrEqual(nowSeconds - 72 * 3600 + 5);
    expect(listed.map((request) => request.headers.authorization)).toEqual(listed.map(() => `Bearer ${KEY}`));

    const cursor = await readReconcileCursor(harness.db, 'payments');
    const again = await reconcileSource(harness.deps({ http }), { source: 'payments' });
    expect(again).toMatchObject({ outcome: 'succeeded', missing: 0, recovered: 0 });
    const last = api.requests.at(-1)?.url.searchParams;
    expect(Number(last?.get('created[gte]'))).toBe(Math.floor(((cursor?.settledBefore.getTime() ?? 0) - 10 * 60 * 1000) / 1000));
  });

  it('fails with the reason and a metric when the key is revoked, and moves nothing', async () => {
    const before = await readReconcileCursor(harness.db, 'payments');
    api.keys.delete(KEY);
    try {
      const report = await reconcileSource(harness.deps({ http }), { source: 'payments' });
      expect(report).toMatchObject({ outcome: 'unauthorized', recovered: 0 });
      expect(report.reason).toMatch(/refused the credential \(401\): Invalid API Key provided/);
      expect(report.reason).not.toContain(KEY);
      expect(await counter('reconcileRuns')({ source: 'payments', outcome: 'unauthorized' })).toBe(1);
      expect((await readReconcileCursor(harness.db, 'payments'))?.settledBefore).toEqual(before?.settledBefore);
    } finally {
      api.keys.add(KEY);
    }
  });

  it('stores an event once when its real delivery arrives while a reconciliation recovers it', async () => {
    const fresh = Array.from({ length: 60 }, (_, index) =>
      paymentIntentEvent(`evt_live_${index}`, Math.floor(Date.now() / 1000), `pi_live_${index}`, 'succeeded'),
    );
    api.events.push(...fresh);
    const [report, statuses] = await Promise.all([
      reconcileSource(harness.deps({ http }), { source: 'payments' }),
      Promise.all(fresh.map(deliver)),
    ]);
    expect(report.outcome).toBe('succeeded');
    expect(statuses.every((status) => status === 200)).toBe(true);
    await harness.waitForProcessed('payments', 560);
    const rows = await harness.rows('payments');
    expect(rows).toHaveLength(560);
    for (let index = 0; index < 60; index++) expect(await harness.entity('payments', `pi_live_${index}`)).toBe('succeeded');
  });

  it('asks only for the configured types', async () => {
    const report = await reconcileSource(harness.deps({ http }), { source: 'captures' });
    expect(report).toMatchObject({ outcome: 'succeeded', scanned: 25, recovered: 25 });
    expect(api.requests.at(-1)?.url.searchParams.getAll('types[]')).toEqual(['payment_intent.canceled']);
    await harness.waitForProcessed('captures', 25);
    expect(new Set((await harness.rows('captures')).map((row) => row.eventType))).toEqual(new Set(['payment_intent.canceled']));
  });
});

import { Writable } from 'node:stream';
import { readReconcileCursor } from '@hookline/db';
import { createReconcileQueue, operatorReconcileJobId } from '@hookline/queue';
import { createLogger } from '@hookline/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeStripe, paymentIntentEvent, startFakeStripe } from '../../test-fixtures/provider-apis/stripe-api.js';
import { type ReconcileHarness, startReconcileHarness } from '../../test-fixtures/reconcile-harness.js';

const KEY = 'rk_test_close';
let api: FakeStripe;
let harness: ReconcileHarness;
const lines: string[] = [];

beforeAll(async () => {
  api = await startFakeStripe([KEY]);
  api.events.push(paymentIntentEvent('evt_close_1', Math.floor(Date.now() / 1000) - 60, 'pi_close', 'succeeded'));
  harness = await startReconcileHarness(
    `
sources:
  - name: payments
    provider: stripe
    secrets: [STRIPE_WEBHOOK_SECRET]
    reconcile: { credentialEnv: STRIPE_API_KEY, baseUrl: "${api.url}" }
`,
    { STRIPE_WEBHOOK_SECRET: 'whsec_close', STRIPE_API_KEY: KEY },
    {
      workerLogger: createLogger({
        name: 'worker',
        level: 'debug',
        destination: new Writable({
          write(chunk, _encoding, done) {
            lines.push(...String(chunk).trim().split('\n'));
            done();
          },
        }),
      }),
    },
  );
});

afterAll(async () => {
  await harness?.close();
  await api?.close();
});

describe('a worker role that reconciles', () => {
  it('lets the run in progress finish and move its cursor before Postgres closes', async () => {
    const release = api.hold();
    const queue = createReconcileQueue(harness.ingester.connection, { prefix: harness.prefix });
    const job = await queue.add('payments', { source: 'payments' }, { jobId: operatorReconcileJobId('payments') });
    await queue.close();
    while (api.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 20));

    const closing = harness.worker.close();
    setTimeout(release, 200);
    await closing;

    const steps = lines.map((line) => JSON.parse(line) as { msg: string; step?: string }).filter((line) => line.msg === 'closed');
    expect(steps.map((line) => line.step)).toEqual([
      'durability watch',
      'retention',
      'reconcile worker',
      'events worker',
      'forwarder',
      'reconcile queues',
      'stats',
      'health',
      'postgres',
      'redis',
      'tracing',
    ]);
    expect(await readReconcileCursor(harness.db, 'payments')).toBeDefined();
    expect(job.id).toMatch(/^payments\/operator-/);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeGitHub, type HookDelivery, startFakeGitHub } from '../../test-fixtures/provider-apis/github-api.js';
import { type ReconcileHarness, startReconcileHarness } from '../../test-fixtures/reconcile-harness.js';
import { reconcileSource } from './reconcile-source.js';

const TOKEN = 'ghp_reconcileTestToken';
const SECRET = 'github-webhook-secret';
const DEAD_URL = 'http://127.0.0.1:1/webhooks/github';

let api: FakeGitHub;
let orgApi: FakeGitHub;
let harness: ReconcileHarness;
const sleeps: number[] = [];
const http = {
  sleep: async (ms: number) => {
    sleeps.push(ms);
    await new Promise((resolve) => setTimeout(resolve, ms));
  },
};

const issue = (number: number) => ({
  action: 'opened',
  issue: { number, state: 'open' },
  repository: { full_name: 'acme/shop' },
});
const guids = (deliveries: readonly HookDelivery[]) => deliveries.map((delivery) => delivery.guid);
const live = () => `${harness.ingester.url()}/webhooks/github`;

beforeAll(async () => {
  api = await startFakeGitHub({ hookOwner: 'repos/acme/shop', hookId: 42, secret: SECRET, tokens: [TOKEN] });
  orgApi = await startFakeGitHub({ hookOwner: 'orgs/acme', hookId: 7, secret: SECRET, tokens: [TOKEN] });
  harness = await startReconcileHarness(
    `
sources:
  - name: github
    provider: github
    secrets: [GITHUB_WEBHOOK_SECRET]
    reconcile: { credentialEnv: GITHUB_TOKEN, baseUrl: "${api.url}", repository: acme/shop, hookId: 42, lookbackHours: 168 }
  - name: github-org
    provider: github
    secrets: [GITHUB_WEBHOOK_SECRET]
    reconcile: { credentialEnv: GITHUB_TOKEN, baseUrl: "${orgApi.url}", organization: acme, hookId: 7 }
`,
    { GITHUB_WEBHOOK_SECRET: SECRET, GITHUB_TOKEN: TOKEN },
  );
});

afterAll(async () => {
  await harness?.close();
  await api?.close();
  await orgApi?.close();
});

describe('reconciling a GitHub repository webhook against its deliveries', () => {
  let reached: HookDelivery[];
  let failed: HookDelivery[];
  let old: HookDelivery[];

  it('redelivers what failed in the last 3 days, ingests what is older, and stores every event once', async () => {
    api.hookUrl = live();
    reached = [];
    for (let n = 0; n < 20; n++) reached.push(await api.emit('issues', issue(n)));
    expect(reached.every((delivery) => delivery.status_code === 200)).toBe(true);
    api.hookUrl = DEAD_URL;
    failed = [];
    for (let n = 20; n < 50; n++) failed.push(await api.emit('issues', issue(n)));
    old = [];
    for (let n = 50; n < 55; n++) old.push(await api.emit('issues', issue(n), new Date(Date.now() - 4 * 24 * 3600 * 1000)));
    expect([...failed, ...old].every((delivery) => delivery.status === 'failed to connect')).toBe(true);
    await harness.waitForProcessed('github', 20);

    api.hookUrl = live();
    // 10 requests a second: the run has to wait for x-ratelimit-reset several times.
    api.limitTo(10);
    const report = await reconcileSource(harness.deps({ http }), { source: 'github' });
    expect(report).toMatchObject({ outcome: 'succeeded', scanned: 55, missing: 35, redelivered: 30, recovered: 5 });
    expect(sleeps.length).toBeGreaterThan(0);
    expect(sleeps.every((ms) => ms <= 2000)).toBe(true);
    await api.settled();

    await harness.waitForProcessed('github', 55);
    const rows = await harness.rows('github');
    expect(rows.map((row) => row.eventId).sort()).toEqual(guids([...reached, ...failed, ...old]).sort());
    const byGuid = new Map(rows.map((row) => [row.eventId, row]));
    // Redelivered ones came back signed through the ingester; the old ones from their recorded request.
    for (const guid of guids(failed)) expect(byGuid.get(guid)?.headers?.['x-github-hook-id']).toBe('42');
    for (const guid of guids(failed)) expect(byGuid.get(guid)?.headers?.['x-hookline-recovered']).toBeUndefined();
    for (const guid of guids(old)) expect(byGuid.get(guid)?.headers?.['x-hookline-recovered']).toBe('github-deliveries-api');
    for (const guid of guids(old)) expect(byGuid.get(guid)?.eventType).toBe('issues.opened');
    const redeliveries = api.deliveries.filter((delivery) => delivery.redelivery);
    expect(redeliveries.map((delivery) => delivery.status_code)).toEqual(failed.map(() => 200));
    expect(new Set(guids(redeliveries))).toEqual(new Set(guids(failed)));
  });

  it('finds nothing missing once the redeliveries have succeeded', async () => {
    api.limitTo(Number.POSITIVE_INFINITY);
    const report = await reconcileSource(harness.deps({ http }), { source: 'github' });
    expect(report).toMatchObject({ outcome: 'succeeded', missing: 0, redelivered: 0, recovered: 0 });
  });

  it('stores an event once when an operator redelivers it by hand while a reconciliation does too', async () => {
    api.hookUrl = DEAD_URL;
    const lost = [await api.emit('issues', issue(100)), await api.emit('issues', issue(101))];
    api.hookUrl = live();
    const byHand = lost.map((delivery) =>
      fetch(`${api.url}/repos/acme/shop/hooks/42/deliveries/${delivery.id}/attempts`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}` },
      }),
    );
    const [report] = await Promise.all([reconcileSource(harness.deps({ http }), { source: 'github' }), ...byHand]);
    expect(report.outcome).toBe('succeeded');
    await api.settled();
    await harness.waitForProcessed('github', 57);
    const rows = await harness.rows('github');
    expect(rows).toHaveLength(57);
    expect(
      api.deliveries.filter((delivery) => delivery.guid === lost[0]?.guid && delivery.status_code === 200).length,
    ).toBeGreaterThanOrEqual(1);
  });

  it("fails with GitHub's reason when the token is bad, and asks for nothing else", async () => {
    const before = api.requests.length;
    const report = await reconcileSource(harness.deps({ http, credentials: new Map([['github', 'ghp_revoked']]) }), {
      source: 'github',
    });
    expect(report.outcome).toBe('unauthorized');
    expect(report.reason).toBe('github refused the credential (401): Bad credentials');
    expect(api.requests.length - before).toBe(1);
    const sent = api.requests.at(-1);
    expect(sent?.url.searchParams.get('per_page')).toBe('100');
    expect(sent?.headers?.['x-github-api-version']).toBe('2022-11-28');
  });

  it("reconciles an organization's webhook through /orgs/{org}/hooks/{hook_id}/deliveries", async () => {
    orgApi.hookUrl = 'http://127.0.0.1:1/webhooks/github-org';
    const lost = await orgApi.emit('repository', { action: 'created', repository: { full_name: 'acme/new' } });
    orgApi.hookUrl = `${harness.ingester.url()}/webhooks/github-org`;
    const report = await reconcileSource(harness.deps({ http }), { source: 'github-org' });
    expect(report).toMatchObject({ outcome: 'succeeded', redelivered: 1 });
    expect(orgApi.requests.map((request) => `${request.method} ${request.url.pathname}`)).toEqual([
      'GET /orgs/acme/hooks/7/deliveries',
      `POST /orgs/acme/hooks/7/deliveries/${lost.id}/attempts`,
    ]);
    await orgApi.settled();
    await harness.waitForProcessed('github-org', 1);
    expect((await harness.rows('github-org')).map((row) => [row.eventId, row.eventType])).toEqual([
      [lost.guid, 'repository.created'],
    ]);
  });
});

import { describe, expect, it } from 'vitest';
import { parseSourcesConfig, resolveReconcileCredentials } from './sources-config.js';

const SW_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const SW_SECRET_OLD = 'whsec_dGhpcyBpcyBhbm90aGVyIHNlY3JldCBrZXk=';

const yaml = `
sources:
  - name: orders
    provider: hmac-sha256
    secrets: [ORDERS_SECRET]
  - name: payments
    provider: standard-webhooks
    secrets: [PAYMENTS_SECRET, PAYMENTS_SECRET_OLD]
    toleranceSeconds: 60
    entity: { id: data.id, status: data.status }
    statuses:
      ranks: { pending: 1, paid: 2 }
      terminal: [paid]
`;

describe('parseSourcesConfig', () => {
  it('resolves every source with its secrets and defaults', () => {
    const result = parseSourcesConfig(yaml, {
      ORDERS_SECRET: 'a',
      PAYMENTS_SECRET: SW_SECRET,
      PAYMENTS_SECRET_OLD: `${SW_SECRET_OLD}\n`,
    });
    if (!result.ok) throw new Error(result.problems.join('\n'));
    const payments = result.config.sources.get('payments');
    expect(payments?.scheme.name).toBe('standard-webhooks');
    expect(payments?.secrets).toEqual([
      { index: 0, value: SW_SECRET },
      { index: 1, value: SW_SECRET_OLD },
    ]);
    expect(payments?.toleranceSeconds).toBe(60);
    expect(result.config.sources.get('orders')?.toleranceSeconds).toBe(300);
    expect(result.config.sources.get('orders')?.eventTypePath).toBeUndefined();
  });

  it('fills a preset source with its provider defaults when it names only provider and secrets', () => {
    const result = parseSourcesConfig('sources:\n  - { name: payments, provider: stripe, secrets: [S] }\n', { S: 'whsec_x' });
    if (!result.ok) throw new Error(result.problems.join('\n'));
    const payments = result.config.sources.get('payments');
    expect(payments?.scheme.name).toBe('stripe');
    expect(payments?.toleranceSeconds).toBe(300);
    expect(payments?.entity).toEqual({ id: 'data.object.id', status: 'data.object.status' });
    expect(payments?.statuses?.terminal).toEqual(['succeeded', 'canceled']);
  });

  it("lets a source's own entity and statuses replace the preset's", () => {
    const text = `
sources:
  - name: runs
    provider: apify
    secrets: [T]
    tokenHeader: X-Run-Token
    entity: { id: resource.actId, status: resource.status }
    statuses:
      ranks: { RUNNING: 1, SUCCEEDED: 2 }
      terminal: [SUCCEEDED]
      reopen: [{ eventTypes: [ACTOR.RUN.RESURRECTED] }]
`;
    const result = parseSourcesConfig(text, { T: 'token' });
    if (!result.ok) throw new Error(result.problems.join('\n'));
    const runs = result.config.sources.get('runs');
    expect(runs?.entity).toEqual({ id: 'resource.actId', status: 'resource.status' });
    // A rule without `from` reopens the terminal statuses.
    expect(runs?.statuses).toEqual({
      ranks: { RUNNING: 1, SUCCEEDED: 2 },
      terminal: ['SUCCEEDED'],
      reopen: [{ eventTypes: ['ACTOR.RUN.RESURRECTED'], from: ['SUCCEEDED'] }],
    });
    expect(runs?.scheme.signatureHeaders).toEqual(['x-run-token']);
  });

  it('keeps a content-hash window', () => {
    const text =
      'sources:\n  - { name: h, provider: hmac-sha256, secrets: [S], dedupe: { contentHash: true, windowSeconds: 60 } }\n';
    const result = parseSourcesConfig(text, { S: 's' });
    expect(result.ok && result.config.sources.get('h')?.contentHashDedupe).toEqual({ windowSeconds: 60 });
  });

  it('names the source and secret whose env var is unset', () => {
    const result = parseSourcesConfig(yaml, { ORDERS_SECRET: 'a', PAYMENTS_SECRET_OLD: SW_SECRET_OLD });
    expect(result).toEqual({ ok: false, problems: ['sources[1].secrets[0]: env var PAYMENTS_SECRET is not set'] });
  });

  it('names the path of an invalid field', () => {
    const result = parseSourcesConfig(yaml.replace('provider: hmac-sha256', 'provider: carrier-pigeon'), {});
    expect(result.ok).toBe(false);
    expect(!result.ok && result.problems[0]).toMatch(/^sources\[0\]\.provider: /);
  });

  it('accepts JSON as well as YAML', () => {
    const json = JSON.stringify({ sources: [{ name: 'x', provider: 'hmac-sha256', secrets: ['X'] }] });
    expect(parseSourcesConfig(json, { X: 'x' }).ok).toBe(true);
  });

  it.each([
    [
      'a terminal status without a rank',
      yaml.replace('terminal: [paid]', 'terminal: [refunded]'),
      'sources[1].statuses.terminal[0]',
    ],
    ['an entity without statuses', yaml.replace(/ {4}statuses:\n.*\n.*\n/, ''), 'sources[1].statuses'],
    ['an unknown key', yaml.replace('toleranceSeconds: 60', 'tolerance: 60'), 'sources[1]'],
    ['a duplicate name', yaml.replace('name: payments', 'name: orders'), 'sources[1].name'],
    [
      'a tolerance for a provider that signs no timestamp',
      yaml.replace('provider: standard-webhooks', 'provider: github'),
      'sources[1].toleranceSeconds',
    ],
    ['a token header outside apify', yaml.replace('toleranceSeconds: 60', 'tokenHeader: x-token'), 'sources[1].tokenHeader'],
    [
      'a content-hash window without content hashing',
      yaml.replace('toleranceSeconds: 60', 'dedupe: { windowSeconds: 60 }'),
      'sources[1].dedupe.windowSeconds',
    ],
    [
      'a reopen rule from a status without a rank',
      yaml.replace('terminal: [paid]', 'terminal: [paid]\n      reopen: [{ eventTypes: [x], from: [gone] }]'),
      'sources[1].statuses.reopen[0].from[0]',
    ],
    ['a route-unsafe name', yaml.replace('name: orders', 'name: Orders/1'), 'sources[0].name'],
  ])('rejects %s', (_name, text, path) => {
    const result = parseSourcesConfig(text, {
      ORDERS_SECRET: 'a',
      PAYMENTS_SECRET: SW_SECRET,
      PAYMENTS_SECRET_OLD: SW_SECRET_OLD,
    });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.problems.some((problem) => problem.startsWith(`${path}:`))).toBe(true);
  });

  it('resolves handlers and forwarding destinations with their secrets and defaults', () => {
    const text = `${yaml}    handlers: [./handlers/mark-paid.ts]
    forward:
      - url: https://orders.internal/hooks
        secretEnv: ORDERS_FORWARD_SECRET
        eventTypes: ['payment_intent.*']
      - url: http://audit.internal/in
        secretEnv: AUDIT_SECRET
        timeoutMs: 2000
        attempts: 3
        breaker: { failures: 2, cooldownMs: 1000 }
`;
    const result = parseSourcesConfig(text, {
      ORDERS_SECRET: 'a',
      PAYMENTS_SECRET: SW_SECRET,
      PAYMENTS_SECRET_OLD: SW_SECRET_OLD,
      ORDERS_FORWARD_SECRET: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
      AUDIT_SECRET: 'MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
    });
    if (!result.ok) throw new Error(result.problems.join('\n'));
    const payments = result.config.sources.get('payments');
    expect(payments?.handlers).toEqual(['./handlers/mark-paid.ts']);
    expect(payments?.forward).toEqual([
      {
        url: 'https://orders.internal/hooks',
        secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
        timeoutMs: 10_000,
        eventTypes: ['payment_intent.*'],
        attempts: 12,
        breaker: { failures: 5, cooldownMs: 30_000 },
      },
      {
        url: 'http://audit.internal/in',
        secret: 'MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
        timeoutMs: 2000,
        attempts: 3,
        breaker: { failures: 2, cooldownMs: 1000 },
      },
    ]);
    expect(result.config.sources.get('orders')).toMatchObject({ handlers: [], forward: [] });
  });

  it('names the destination whose signing secret is unset or not a Standard Webhooks secret', () => {
    const text = `${yaml}    forward:
      - { url: 'https://a.example/in', secretEnv: A_SECRET }
      - { url: 'https://b.example/in', secretEnv: B_SECRET }
`;
    const result = parseSourcesConfig(text, {
      ORDERS_SECRET: 'a',
      PAYMENTS_SECRET: SW_SECRET,
      PAYMENTS_SECRET_OLD: SW_SECRET_OLD,
      B_SECRET: 'not base64!',
    });
    expect(result).toEqual({
      ok: false,
      problems: [
        'sources[1].forward[0].secretEnv: env var A_SECRET is not set',
        'sources[1].forward[1].secretEnv: env var B_SECRET must hold a Standard Webhooks secret: base64 of at least 16 key bytes, optionally behind whsec_',
      ],
    });
  });

  it.each([
    ['a URL that is not http(s)', "{ url: 'ftp://a.example/in', secretEnv: A }", 'sources[1].forward[0].url'],
    [
      'a destination listed twice',
      "{ url: 'https://a.example', secretEnv: A }\n      - { url: 'https://a.example', secretEnv: A }",
      'sources[1].forward[1].url',
    ],
    ['a timeout below 100 ms', "{ url: 'https://a.example', secretEnv: A, timeoutMs: 5 }", 'sources[1].forward[0].timeoutMs'],
  ])('rejects %s', (_name, destination, path) => {
    const result = parseSourcesConfig(`${yaml}    forward:\n      - ${destination}\n`, {
      ORDERS_SECRET: 'a',
      PAYMENTS_SECRET: SW_SECRET,
      PAYMENTS_SECRET_OLD: SW_SECRET_OLD,
      A: SW_SECRET,
    });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.problems.some((problem) => problem.startsWith(`${path}:`))).toBe(true);
  });

  it('reads a rate limit with a one-second window by default, and none when absent', () => {
    const env = { ORDERS_SECRET: 'a', PAYMENTS_SECRET: SW_SECRET, PAYMENTS_SECRET_OLD: SW_SECRET_OLD };
    const result = parseSourcesConfig(`${yaml}    rateLimit: { max: 50 }\n`, env);
    if (!result.ok) throw new Error(result.problems.join());
    expect(result.config.sources.get('payments')?.rateLimit).toEqual({ max: 50, windowSeconds: 1 });
    expect(result.config.sources.get('orders')?.rateLimit).toBeUndefined();
    const zero = parseSourcesConfig(`${yaml}    rateLimit: { max: 0 }\n`, env);
    expect(!zero.ok && zero.problems.some((problem) => problem.startsWith('sources[1].rateLimit.max:'))).toBe(true);
  });

  it.each([
    ['standard-webhooks', 'whsec_'],
    ['standard-webhooks', 'whsec_not base64!'],
    ['svix', 'whsec_YWJj'],
    ['svix', 'a-plain-password-of-some-length'],
  ])('rejects a %s source secret %j, naming the field', (provider, secret) => {
    const text = `sources:\n  - { name: sw, provider: ${provider}, secrets: [GOOD, BAD] }\n`;
    expect(parseSourcesConfig(text, { GOOD: SW_SECRET, BAD: secret })).toEqual({
      ok: false,
      problems: [
        'sources[0].secrets[1]: env var BAD must hold a Standard Webhooks secret: base64 of at least 16 key bytes, optionally behind whsec_',
      ],
    });
  });

  it('rejects text that is not YAML', () => {
    expect(parseSourcesConfig('sources: [', {}).ok).toBe(false);
  });
});

describe('reconcile blocks', () => {
  const source = (provider: string, reconcile: string) =>
    `sources:\n  - name: s\n    provider: ${provider}\n    secrets: [S]\n    reconcile: ${reconcile}\n`;

  it('fills the defaults and the provider API root', () => {
    const result = parseSourcesConfig(source('stripe', '{ credentialEnv: STRIPE_API_KEY, types: [payment_intent.succeeded] }'), {
      S: 'x',
    });
    if (!result.ok) throw new Error(result.problems.join('\n'));
    expect(result.config.sources.get('s')?.reconcile).toEqual({
      credentialEnv: 'STRIPE_API_KEY',
      baseUrl: 'https://api.stripe.com',
      intervalSeconds: 300,
      lookbackHours: 72,
      target: { provider: 'stripe', types: ['payment_intent.succeeded'] },
    });
  });

  it("names GitHub's hook by repository or organization", () => {
    const result = parseSourcesConfig(
      source('github', '{ credentialEnv: GH, repository: acme/shop, hookId: 12, baseUrl: "http://127.0.0.1:9/api/v3/" }'),
      { S: 'x' },
    );
    if (!result.ok) throw new Error(result.problems.join('\n'));
    expect(result.config.sources.get('s')?.reconcile).toMatchObject({
      baseUrl: 'http://127.0.0.1:9/api/v3',
      target: { provider: 'github', hookOwner: 'repos/acme/shop', hookId: 12 },
    });
  });

  it('names each bad field', () => {
    const problems = (provider: string, reconcile: string) => {
      const result = parseSourcesConfig(source(provider, reconcile), { S: 'x' });
      return result.ok ? [] : result.problems;
    };
    expect(problems('github', '{ credentialEnv: GH, repository: acme/shop, organization: acme }')).toEqual([
      'sources[0].reconcile.repository: name exactly one of repository (owner/repo) or organization',
      'sources[0].reconcile.hookId: is required for provider github',
    ]);
    expect(problems('stripe', '{ credentialEnv: K, actors: [a], lookbackHours: 1000 }')).toEqual([
      'sources[0].reconcile.actors: applies only to provider apify',
      'sources[0].reconcile.lookbackHours: Stripe lists events of the last 30 days only (at most 720)',
    ]);
    expect(problems('shopify', '{ credentialEnv: K }')).toEqual([
      'sources[0].reconcile: provider shopify has no API to reconcile against (only stripe, github, apify)',
    ]);
    expect(problems('apify', '{ credentialEnv: "not a name" }')).toEqual([
      'sources[0].reconcile.credentialEnv: must be an environment variable name',
    ]);
  });

  it('needs the credential variable set where reconciliations run', () => {
    const result = parseSourcesConfig(source('apify', '{ credentialEnv: APIFY_TOKEN }'), { S: 'x' });
    if (!result.ok) throw new Error(result.problems.join('\n'));
    expect(resolveReconcileCredentials(result.config, {})).toEqual({
      ok: false,
      problems: ['sources[0].reconcile.credentialEnv: env var APIFY_TOKEN is not set'],
    });
    expect(resolveReconcileCredentials(result.config, { APIFY_TOKEN: ' apify_api_x\n' })).toEqual({
      ok: true,
      credentials: new Map([['s', 'apify_api_x']]),
    });
  });
});

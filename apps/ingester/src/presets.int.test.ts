import { Writable } from 'node:stream';
import { parseSourcesConfig, type SourcesConfig, signatureSchemes } from '@hookline/core';
import type { EventQueue } from '@hookline/queue';
import { createLogger } from '@hookline/runtime';
import type { FastifyInstance } from 'fastify';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestIngester, type TestIngester } from './testing.js';

const STRIPE_SECRET = 'whsec_ingesterStripeNew';
const STRIPE_OLD = 'whsec_ingesterStripeOld';
const SLACK_SECRET = 'ingester-slack-secret';
const APIFY_TOKEN = 'ingester-apify-token-value';

function loadConfig(): SourcesConfig {
  const result = parseSourcesConfig(
    `
sources:
  - { name: payments, provider: stripe, secrets: [STRIPE_SECRET, STRIPE_SECRET_OLD] }
  - { name: chat, provider: slack, secrets: [SLACK_SECRET] }
  - { name: runs, provider: apify, secrets: [APIFY_TOKEN] }
`,
    { STRIPE_SECRET, STRIPE_SECRET_OLD: STRIPE_OLD, SLACK_SECRET, APIFY_TOKEN },
  );
  if (!result.ok) throw new Error(result.problems.join());
  return result.config;
}

const logLines: string[] = [];
const stripe = new Stripe('sk_test_hookline');
let ingester: TestIngester;
let queue: EventQueue;
let app: FastifyInstance;

beforeAll(async () => {
  ingester = await startTestIngester({
    config: loadConfig(),
    logger: createLogger({
      name: 'ingester-presets-test',
      level: 'info',
      destination: new Writable({
        write(chunk, _encoding, done) {
          logLines.push(String(chunk));
          done();
        },
      }),
    }),
  });
  ({ app, queue } = ingester);
});

afterAll(async () => {
  await ingester.close();
});

const now = () => Math.floor(Date.now() / 1000);

function stripeDelivery(body: string, secret = STRIPE_SECRET, timestamp = now()) {
  return {
    method: 'POST' as const,
    url: '/webhooks/payments',
    payload: body,
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'stripe-signature': stripe.webhooks.generateTestHeaderString({ payload: body, secret, timestamp }),
    },
  };
}

function slackDelivery(body: string, contentType = 'application/json') {
  const { headers } = signatureSchemes.slack.sign({
    secret: SLACK_SECRET,
    rawBody: Buffer.from(body),
    nowSeconds: now(),
    eventId: '',
  });
  return { method: 'POST' as const, url: '/webhooks/chat', payload: body, headers: { ...headers, 'content-type': contentType } };
}

async function sample(series: string): Promise<number> {
  const text = (await app.inject({ method: 'GET', url: '/metrics' })).body;
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? 0 : Number(line.slice(series.length + 1));
}

describe('stripe through the ingester', () => {
  const body = JSON.stringify({ id: 'evt_ing_1', type: 'payment_intent.created', data: { object: { id: 'pi_1' } } }, null, 2);

  it('accepts a delivery signed by the old secret and counts it under secret index 1', async () => {
    const series = 'hookline_signature_matches_total{source="payments",secret_index="1"}';
    const before = await sample(series);
    const response = await app.inject(stripeDelivery(body, STRIPE_OLD));
    expect(response.json()).toEqual({ status: 'accepted', source: 'payments', eventId: 'evt_ing_1' });
    expect(await sample(series)).toBe(before + 1);
  });

  it.each([
    ['missing_signature', () => ({ ...stripeDelivery(body), headers: { 'content-type': 'application/json' } })],
    ['invalid_signature', () => stripeDelivery(body, 'whsec_wrong')],
    ['timestamp_out_of_tolerance', () => stripeDelivery(body, STRIPE_SECRET, now() - 301)],
  ])('names the failed check %s in the error code and in a log line with the source', async (code, make) => {
    const response = await app.inject(make());
    expect(response.statusCode).toBe(401);
    expect(response.json().error.code).toBe(code);
    const line = logLines.map((text) => JSON.parse(text)).find((entry) => entry.reason === code);
    expect(line).toMatchObject({ source: 'payments', msg: 'delivery rejected' });
    expect(logLines.join('')).not.toContain('v1=');
  });
});

describe('slack through the ingester', () => {
  it('answers a signed url_verification with its challenge and queues nothing', async () => {
    const before = await queue.count();
    const body = '{"token":"t","challenge":"challenge-value-123","type":"url_verification"}';
    const response = await app.inject(slackDelivery(body));
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ challenge: 'challenge-value-123' });
    expect(await queue.count()).toBe(before);
    expect(await sample('hookline_ingest_requests_total{source="chat",outcome="handshake"}')).toBeGreaterThan(0);
  });

  it('refuses an unsigned url_verification', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/webhooks/chat',
      payload: '{"challenge":"x","type":"url_verification"}',
      headers: { 'content-type': 'application/json' },
    });
    expect(response.statusCode).toBe(401);
  });

  it('accepts a form-encoded slash command and queues its raw form with its fields as JSON', async () => {
    const body = 'command=%2Fdeploy&text=api&trigger_id=111.222.ingester';
    const response = await app.inject(slackDelivery(body, 'application/x-www-form-urlencoded'));
    expect(response.json()).toEqual({ status: 'accepted', source: 'chat', eventId: '111.222.ingester' });
    const job = await queue.getJob('chat/111.222.ingester');
    expect(job?.data).toMatchObject({ eventType: '/deploy', rawBody: body });
    expect(JSON.parse(job?.data.payloadJson ?? '')).toEqual({ command: '/deploy', text: 'api', trigger_id: '111.222.ingester' });
  });

  it('answers a Slack retry of an accepted event as a duplicate', async () => {
    const body = '{"type":"event_callback","event_id":"EvIngester1","event":{"type":"message"}}';
    expect((await app.inject(slackDelivery(body))).json().status).toBe('accepted');
    const retry = slackDelivery(body);
    const response = await app.inject({ ...retry, headers: { ...retry.headers, 'x-slack-retry-num': '1' } });
    expect(response.json()).toEqual({ status: 'duplicate', source: 'chat', eventId: 'EvIngester1' });
  });
});

describe('apify through the ingester', () => {
  const body = '{"eventType":"ACTOR.RUN.SUCCEEDED","resource":{"id":"run_ing","status":"SUCCEEDED"}}';

  it('accepts the token in the query string and never logs it', async () => {
    const response = await app.inject({
      method: 'POST',
      url: `/webhooks/runs?token=${APIFY_TOKEN}`,
      payload: body,
      headers: { 'content-type': 'application/json' },
    });
    expect(response.json()).toEqual({ status: 'accepted', source: 'runs', eventId: 'ACTOR.RUN.SUCCEEDED:run_ing' });
    const wrong = await app.inject({ method: 'POST', url: '/webhooks/runs?token=guess', payload: body });
    expect(wrong.json().error.code).toBe('invalid_signature');
    expect(logLines.join('')).not.toContain(APIFY_TOKEN);
  });
});

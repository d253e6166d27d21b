import { createHmac } from 'node:crypto';
import { sign as signGitHub } from '@octokit/webhooks-methods';
import { verifySlackRequest } from '@slack/bolt';
import Stripe from 'stripe';
import { Webhook } from 'svix';
import { describe, expect, it } from 'vitest';
import { parseSourcesConfig, type SourceConfig } from '../config/sources-config.js';
import type { Headers } from '../headers.js';
import { slackScheme } from '../signatures/slack.js';
import { type PrepareResult, prepareEvent } from './prepare-event.js';

const NOW_MS = 1_760_000_000_000;
const NOW = NOW_MS / 1000;
const secrets = {
  STRIPE_SECRET: 'whsec_hooklinePresetStripe',
  GITHUB_SECRET: 'hookline-preset-github',
  SHOPIFY_SECRET: 'hookline-preset-shopify',
  SLACK_SECRET: 'hookline-preset-slack',
  SVIX_SECRET: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  APIFY_TOKEN: 'hookline-preset-apify',
};

// Each source names only its provider and secret: everything else is the preset's.
// The env values end in whitespace, as a secret written with `echo` into a file does:
// Hookline trims them, so they still verify.
function sources(): ReadonlyMap<string, SourceConfig> {
  const yaml = `
sources:
${Object.keys(secrets)
  .map(
    (name) =>
      `  - { name: ${name.split('_')[0]?.toLowerCase()}, provider: ${name.split('_')[0]?.toLowerCase()}, secrets: [${name}] }`,
  )
  .join('\n')}
`;
  const env = Object.fromEntries(Object.entries(secrets).map(([name, value]) => [name, `${value} \n`]));
  const result = parseSourcesConfig(yaml, env);
  if (!result.ok) throw new Error(result.problems.join('\n'));
  return result.config.sources;
}

function prepare(name: string, headers: Headers, body: string, query: Record<string, unknown> = {}): PrepareResult {
  const source = sources().get(name);
  if (source === undefined) throw new Error(name);
  return prepareEvent(source, { headers, rawBody: Buffer.from(body), query, receivedAt: NOW_MS });
}

function slackHeaders(body: string): Record<string, string> {
  const { headers } = slackScheme.sign({
    secret: secrets.SLACK_SECRET,
    rawBody: Buffer.from(body),
    nowSeconds: NOW,
    eventId: '',
  });
  // Bolt's own check vouches for the request before it is used.
  verifySlackRequest({
    signingSecret: secrets.SLACK_SECRET,
    body,
    headers: {
      'x-slack-signature': headers['x-slack-signature'] as string,
      'x-slack-request-timestamp': Number(headers['x-slack-request-timestamp']),
    },
    nowMilliseconds: NOW_MS,
  });
  return { ...headers };
}

const stripeBody = JSON.stringify(
  { id: 'evt_1', type: 'payment_intent.processing', data: { object: { id: 'pi_1', status: 'processing' } } },
  null,
  2,
);
const githubBody = '{"action":"opened","pull_request":{"number":7}}';
const shopifyBody = '{"id":450789469,"financial_status":"pending"}';
const slackBody = '{"type":"event_callback","event_id":"Ev042","event":{"type":"message","text":"hi"}}';
const svixBody = '{"type":"user.created","data":{"id":"u_1"}}';
const apifyBody = '{"eventType":"ACTOR.RUN.RUNNING","resource":{"id":"run_1","status":"RUNNING"}}';

const cases = [
  {
    source: 'stripe',
    body: stripeBody,
    headers: async () => ({
      'stripe-signature': new Stripe('sk_test_hookline').webhooks.generateTestHeaderString({
        payload: stripeBody,
        secret: secrets.STRIPE_SECRET,
        timestamp: NOW,
      }),
    }),
    expected: { eventId: 'evt_1', eventType: 'payment_intent.processing', entityId: 'pi_1', status: 'processing' },
  },
  {
    source: 'github',
    body: githubBody,
    headers: async () => ({
      'x-github-delivery': 'delivery-1',
      'x-github-event': 'pull_request',
      'x-hub-signature-256': await signGitHub(secrets.GITHUB_SECRET, githubBody),
    }),
    expected: { eventId: 'delivery-1', eventType: 'pull_request.opened', entityId: null, status: null },
  },
  {
    source: 'shopify',
    body: shopifyBody,
    headers: async () => ({
      'x-shopify-event-id': 'shopify-event-1',
      'x-shopify-webhook-id': 'shopify-webhook-1',
      'x-shopify-topic': 'orders/create',
      'x-shopify-hmac-sha256': createHmac('sha256', secrets.SHOPIFY_SECRET).update(shopifyBody).digest('base64'),
    }),
    expected: { eventId: 'shopify-event-1', eventType: 'orders/create', entityId: null, status: null },
  },
  {
    source: 'slack',
    body: slackBody,
    headers: async () => ({ ...slackHeaders(slackBody), 'x-slack-retry-num': '2', 'x-slack-retry-reason': 'http_timeout' }),
    expected: { eventId: 'Ev042', eventType: 'message', entityId: null, status: null },
  },
  {
    source: 'svix',
    body: svixBody,
    headers: async () => ({
      'svix-id': 'msg_1',
      'svix-timestamp': String(NOW),
      'svix-signature': new Webhook(secrets.SVIX_SECRET).sign('msg_1', new Date(NOW_MS), svixBody),
    }),
    expected: { eventId: 'msg_1', eventType: 'user.created', entityId: null, status: null },
  },
  {
    source: 'apify',
    body: apifyBody,
    headers: async () => ({ 'x-hookline-token': secrets.APIFY_TOKEN, 'x-apify-webhook-dispatch-id': 'dispatch-1' }),
    expected: { eventId: 'dispatch-1', eventType: 'ACTOR.RUN.RUNNING', entityId: 'run_1', status: 'RUNNING' },
  },
];

describe('provider presets through prepareEvent', () => {
  it.each(cases)('verifies a $source delivery with a whitespace-padded env secret and extracts its event', async (c) => {
    const result = prepare(c.source, { 'content-type': 'application/json', ...(await c.headers()) }, c.body);
    expect(result).toMatchObject({
      ok: true,
      kind: 'event',
      secretIndex: 0,
      event: { source: c.source, ...c.expected, rawBody: c.body },
    });
  });

  it.each(cases)('keeps every $source signature header out of the stored headers', async (c) => {
    const result = prepare(c.source, await c.headers(), c.body);
    if (!result.ok || result.kind !== 'event') throw new Error('not an event');
    const source = sources().get(c.source) as SourceConfig;
    for (const name of source.scheme.signatureHeaders) expect(result.event.headers).not.toHaveProperty(name);
  });

  it('answers a signed Slack url_verification with its challenge instead of an event', () => {
    const body = '{"token":"t","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P","type":"url_verification"}';
    expect(prepare('slack', slackHeaders(body), body)).toEqual({
      ok: true,
      kind: 'handshake',
      reply: { challenge: '3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P' },
      secretIndex: 0,
    });
  });

  it('refuses an unsigned Slack url_verification', () => {
    const body = '{"challenge":"c","type":"url_verification"}';
    expect(prepare('slack', {}, body)).toMatchObject({ ok: false, code: 'missing_signature' });
  });

  it('accepts a form-encoded Slack slash command, storing the raw form and its fields as the payload', () => {
    const body = 'command=%2Fdeploy&text=api+now&trigger_id=13345224609.738474920.8088930838d88f008e0&user_id=U1';
    const headers = { ...slackHeaders(body), 'content-type': 'application/x-www-form-urlencoded' };
    const result = prepare('slack', headers, body);
    expect(result).toMatchObject({
      ok: true,
      event: { eventId: '13345224609.738474920.8088930838d88f008e0', eventType: '/deploy', rawBody: body },
    });
    if (!result.ok || result.kind !== 'event') throw new Error('not an event');
    expect(JSON.parse(result.event.payloadJson as string)).toEqual({
      command: '/deploy',
      text: 'api now',
      trigger_id: '13345224609.738474920.8088930838d88f008e0',
      user_id: 'U1',
    });
  });

  it('reads a form whose only field is a JSON payload as that JSON (Slack interactivity, GitHub form deliveries)', async () => {
    const body = `payload=${encodeURIComponent(githubBody)}`;
    const headers = {
      'content-type': 'application/x-www-form-urlencoded',
      'x-github-delivery': 'delivery-form',
      'x-github-event': 'pull_request',
      'x-hub-signature-256': await signGitHub(secrets.GITHUB_SECRET, body),
    };
    const result = prepare('github', headers, body);
    expect(result).toMatchObject({
      ok: true,
      event: { eventType: 'pull_request.opened', rawBody: body, payloadJson: githubBody },
    });
  });

  it('accepts an Apify token in the query string', () => {
    expect(prepare('apify', {}, apifyBody, { token: secrets.APIFY_TOKEN })).toMatchObject({
      ok: true,
      event: { eventId: 'ACTOR.RUN.RUNNING:run_1' },
    });
  });
});

import { createHmac } from 'node:crypto';
import { signatureSchemes, signHmacSha256 } from '@hookline/core';
import { entityStates, webhookEvents } from '@hookline/db';
import { sign as signGitHub } from '@octokit/webhooks-methods';
import { and, eq } from 'drizzle-orm';
import Stripe from 'stripe';
import { Webhook } from 'svix';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPipeline, type Pipeline, sourcesConfig, waitFor } from './harness.js';

const secrets = {
  STRIPE_SECRET: 'whsec_e2eStripeSecret',
  GITHUB_SECRET: 'e2e-github-secret',
  SHOPIFY_SECRET: 'e2e-shopify-secret',
  SLACK_SECRET: 'e2e-slack-secret',
  SVIX_SECRET: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  APIFY_TOKEN: 'e2e-apify-token',
  GENERIC_SECRET: 'e2e-generic-secret',
};

// Every source names only its provider and its secret, as the docs tell users to.
const yaml = `
sources:
  - { name: stripe, provider: stripe, secrets: [STRIPE_SECRET] }
  - { name: github, provider: github, secrets: [GITHUB_SECRET] }
  - { name: shopify, provider: shopify, secrets: [SHOPIFY_SECRET] }
  - { name: slack, provider: slack, secrets: [SLACK_SECRET] }
  - { name: svix, provider: svix, secrets: [SVIX_SECRET] }
  - { name: apify, provider: apify, secrets: [APIFY_TOKEN] }
  - { name: generic, provider: hmac-sha256, secrets: [GENERIC_SECRET] }
`;

let pipeline: Pipeline;

beforeAll(async () => {
  pipeline = await createPipeline({ config: sourcesConfig({ yaml, env: secrets }) });
  await pipeline.startWorker();
});

afterAll(async () => {
  await pipeline.close();
});

const now = () => Math.floor(Date.now() / 1000);
const stripe = new Stripe('sk_test_hookline');

interface Delivery {
  readonly url: string;
  readonly body: string;
  readonly headers: Record<string, string>;
}

async function send(delivery: Delivery) {
  const response = await pipeline.ingester.inject({
    method: 'POST',
    url: delivery.url,
    payload: delivery.body,
    headers: delivery.headers,
  });
  expect(response.statusCode).toBe(200);
  return response.json() as { status: string; eventId: string };
}

async function stored(source: string, eventId: string) {
  return waitFor(`${source}/${eventId} processed`, async () => {
    const [row] = await pipeline.database.client.db
      .select()
      .from(webhookEvents)
      .where(and(eq(webhookEvents.source, source), eq(webhookEvents.eventId, eventId)));
    return row?.processedAt ? row : undefined;
  });
}

async function rows(source: string) {
  return pipeline.database.client.db.select().from(webhookEvents).where(eq(webhookEvents.source, source));
}

async function entity(source: string, entityId: string) {
  const [row] = await pipeline.database.client.db
    .select()
    .from(entityStates)
    .where(and(eq(entityStates.source, source), eq(entityStates.entityId, entityId)));
  return row;
}

function stripeDelivery(id: string, type: string, intent: string, status: string): Delivery {
  const body = JSON.stringify(
    { id, object: 'event', type, data: { object: { id: intent, object: 'payment_intent', status } } },
    null,
    2,
  );
  const signature = stripe.webhooks.generateTestHeaderString({ payload: body, secret: secrets.STRIPE_SECRET, timestamp: now() });
  return { url: '/webhooks/stripe', body, headers: { 'content-type': 'application/json', 'stripe-signature': signature } };
}

async function githubDelivery(deliveryId: string, body = '{"action":"opened","issue":{"number":12}}'): Promise<Delivery> {
  return {
    url: '/webhooks/github',
    body,
    headers: {
      'content-type': 'application/json',
      'x-github-delivery': deliveryId,
      'x-github-event': 'issues',
      'x-hub-signature-256': await signGitHub(secrets.GITHUB_SECRET, body),
    },
  };
}

function shopifyDelivery(
  eventId: string,
  webhookId: string,
  body = '{"id":820982911946154500,"financial_status":"paid"}',
): Delivery {
  return {
    url: '/webhooks/shopify',
    body,
    headers: {
      'content-type': 'application/json',
      // The newer header names, without the x- prefix.
      'shopify-event-id': eventId,
      'shopify-webhook-id': webhookId,
      'shopify-topic': 'orders/paid',
      'shopify-hmac-sha256': createHmac('sha256', secrets.SHOPIFY_SECRET).update(body).digest('base64'),
    },
  };
}

function slackDelivery(body: string, contentType: string, extra: Record<string, string> = {}): Delivery {
  // Slack's SDKs only verify; this signing is checked against Bolt's verifySlackRequest in core's tests.
  const { headers } = signatureSchemes.slack.sign({
    secret: secrets.SLACK_SECRET,
    rawBody: Buffer.from(body),
    nowSeconds: now(),
    eventId: '',
  });
  return { url: '/webhooks/slack', body, headers: { ...headers, 'content-type': contentType, ...extra } };
}

function svixDelivery(id: string): Delivery {
  const body = '{"type":"user.created","data":{"id":"user_1"}}';
  return {
    url: '/webhooks/svix',
    body,
    headers: {
      'content-type': 'application/json',
      'svix-id': id,
      'svix-timestamp': String(now()),
      'svix-signature': new Webhook(secrets.SVIX_SECRET).sign(id, new Date(), body),
    },
  };
}

function apifyDelivery(dispatchId: string, eventType: string, runId: string, status: string): Delivery {
  const body = JSON.stringify({
    userId: 'user_1',
    createdAt: new Date().toISOString(),
    eventType,
    eventData: { actorId: 'actor_1', actorRunId: runId },
    resource: { id: runId, actId: 'actor_1', status },
  });
  return {
    url: '/webhooks/apify',
    body,
    headers: {
      'content-type': 'application/json',
      'x-hookline-token': secrets.APIFY_TOKEN,
      'x-apify-webhook-dispatch-id': dispatchId,
    },
  };
}

describe('each preset end to end', () => {
  it('stripe: stores the event id, type, payment intent and status, and answers a redelivery as a duplicate', async () => {
    const delivery = stripeDelivery('evt_e2e_1', 'payment_intent.processing', 'pi_e2e_1', 'processing');
    expect(await send(delivery)).toMatchObject({ status: 'accepted', eventId: 'evt_e2e_1' });
    expect(await stored('stripe', 'evt_e2e_1')).toMatchObject({
      eventType: 'payment_intent.processing',
      entityId: 'pi_e2e_1',
      status: 'processing',
      transition: 'applied',
      rawBody: delivery.body,
    });
    // Stripe re-signs each retry with a fresh timestamp; the event id is what makes it the same.
    expect((await send(stripeDelivery('evt_e2e_1', 'payment_intent.processing', 'pi_e2e_1', 'processing'))).status).toBe(
      'duplicate',
    );
    expect((await rows('stripe')).filter((row) => row.eventId === 'evt_e2e_1')).toHaveLength(1);
  });

  it('stripe: a failed payment reopens a processing intent, and success then applies', async () => {
    await send(stripeDelivery('evt_e2e_2', 'payment_intent.processing', 'pi_e2e_2', 'processing'));
    await stored('stripe', 'evt_e2e_2');
    await send(stripeDelivery('evt_e2e_3', 'payment_intent.payment_failed', 'pi_e2e_2', 'requires_payment_method'));
    expect((await stored('stripe', 'evt_e2e_3')).transition).toBe('reopened');
    expect(await entity('stripe', 'pi_e2e_2')).toMatchObject({ status: 'requires_payment_method', terminal: false });
    await send(stripeDelivery('evt_e2e_4', 'payment_intent.succeeded', 'pi_e2e_2', 'succeeded'));
    expect((await stored('stripe', 'evt_e2e_4')).transition).toBe('applied');
    expect(await entity('stripe', 'pi_e2e_2')).toMatchObject({ status: 'succeeded', terminal: true });
  });

  it('github: stores the delivery id and event.action type, and answers a redelivery as a duplicate', async () => {
    const deliveryId = '72d3162e-cc78-11e3-81ab-4c9367dc0958';
    expect((await send(await githubDelivery(deliveryId))).status).toBe('accepted');
    expect(await stored('github', deliveryId)).toMatchObject({ eventType: 'issues.opened', entityId: null, transition: 'none' });
    expect((await send(await githubDelivery(deliveryId))).status).toBe('duplicate');
  });

  it('shopify: stores the event id and topic, and a redelivery under a new webhook id is a duplicate', async () => {
    expect((await send(shopifyDelivery('shop-event-1', 'webhook-1'))).status).toBe('accepted');
    expect(await stored('shopify', 'shop-event-1')).toMatchObject({ eventType: 'orders/paid' });
    expect((await send(shopifyDelivery('shop-event-1', 'webhook-2'))).status).toBe('duplicate');
    expect(await rows('shopify')).toHaveLength(1);
  });

  it('slack: stores an Events API callback by event_id, and a retry (X-Slack-Retry-Num) is a duplicate', async () => {
    const body = '{"type":"event_callback","event_id":"EvE2E1","event":{"type":"app_mention","text":"hi"}}';
    expect((await send(slackDelivery(body, 'application/json'))).status).toBe('accepted');
    expect(await stored('slack', 'EvE2E1')).toMatchObject({ eventType: 'app_mention' });
    const retry = slackDelivery(body, 'application/json', { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' });
    expect((await send(retry)).status).toBe('duplicate');
  });

  it('slack: stores a form-encoded slash command with its raw form and its fields as the payload', async () => {
    const body = 'command=%2Fdeploy&text=api+now&trigger_id=98765.4321.e2e&user_id=U1';
    expect((await send(slackDelivery(body, 'application/x-www-form-urlencoded'))).eventId).toBe('98765.4321.e2e');
    expect(await stored('slack', '98765.4321.e2e')).toMatchObject({
      eventType: '/deploy',
      rawBody: body,
      payload: { command: '/deploy', text: 'api now', trigger_id: '98765.4321.e2e', user_id: 'U1' },
    });
  });

  it('slack: answers url_verification with the challenge and stores nothing', async () => {
    const before = (await rows('slack')).length;
    const body = '{"token":"t","challenge":"e2e-challenge","type":"url_verification"}';
    const response = await pipeline.ingester.inject({
      method: 'POST',
      ...slackDelivery(body, 'application/json'),
      payload: body,
    });
    expect(response.json()).toEqual({ challenge: 'e2e-challenge' });
    // A later event is stored, so the worker has caught up past anything the handshake could have queued.
    await send(slackDelivery('{"type":"event_callback","event_id":"EvAfterChallenge","event":{"type":"x"}}', 'application/json'));
    await stored('slack', 'EvAfterChallenge');
    expect(await rows('slack')).toHaveLength(before + 1);
  });

  it('svix: stores the svix-id and type, and answers a redelivery as a duplicate', async () => {
    expect((await send(svixDelivery('msg_e2e_1'))).status).toBe('accepted');
    expect(await stored('svix', 'msg_e2e_1')).toMatchObject({ eventType: 'user.created' });
    expect((await send(svixDelivery('msg_e2e_1'))).status).toBe('duplicate');
  });
});

describe('apify runs end to end', () => {
  it('SUCCEEDED, a late RUNNING, then the first dispatch again: one run, SUCCEEDED', async () => {
    await send(apifyDelivery('dispatch-a1', 'ACTOR.RUN.SUCCEEDED', 'run_a', 'SUCCEEDED'));
    expect((await stored('apify', 'dispatch-a1')).transition).toBe('applied');
    await send(apifyDelivery('dispatch-a2', 'ACTOR.RUN.CREATED', 'run_a', 'RUNNING'));
    expect((await stored('apify', 'dispatch-a2')).transition).toBe('terminal');
    expect((await send(apifyDelivery('dispatch-a1', 'ACTOR.RUN.SUCCEEDED', 'run_a', 'SUCCEEDED'))).status).toBe('duplicate');

    const runs = await pipeline.database.client.db.select().from(entityStates).where(eq(entityStates.source, 'apify'));
    expect(runs.filter((run) => run.entityId === 'run_a')).toEqual([
      expect.objectContaining({ status: 'SUCCEEDED', terminal: true, lastEventId: 'dispatch-a1' }),
    ]);
    expect((await rows('apify')).filter((row) => row.entityId === 'run_a')).toHaveLength(2);
  });

  it('RESURRECTED after SUCCEEDED moves the run back to RUNNING as reopened, and it can finish again', async () => {
    await send(apifyDelivery('dispatch-b1', 'ACTOR.RUN.SUCCEEDED', 'run_b', 'SUCCEEDED'));
    await stored('apify', 'dispatch-b1');
    await send(apifyDelivery('dispatch-b2', 'ACTOR.RUN.RESURRECTED', 'run_b', 'RUNNING'));
    expect((await stored('apify', 'dispatch-b2')).transition).toBe('reopened');
    expect(await entity('apify', 'run_b')).toMatchObject({ status: 'RUNNING', terminal: false, lastEventId: 'dispatch-b2' });
    await send(apifyDelivery('dispatch-b3', 'ACTOR.RUN.FAILED', 'run_b', 'FAILED'));
    expect((await stored('apify', 'dispatch-b3')).transition).toBe('applied');
    expect(await entity('apify', 'run_b')).toMatchObject({ status: 'FAILED', terminal: true });
  });

  it('without a dispatch id, falls back to the event type and run id', async () => {
    const delivery = apifyDelivery('unused', 'ACTOR.RUN.ABORTED', 'run_c', 'ABORTED');
    const { 'x-apify-webhook-dispatch-id': _dropped, ...headers } = delivery.headers;
    expect((await send({ ...delivery, headers })).eventId).toBe('ACTOR.RUN.ABORTED:run_c');
    expect(await stored('apify', 'ACTOR.RUN.ABORTED:run_c')).toMatchObject({ entityId: 'run_c', status: 'ABORTED' });
  });
});

describe('a captured delivery re-sent under a new event id', () => {
  async function sendRaw(delivery: Delivery) {
    return pipeline.ingester.inject({ method: 'POST', url: delivery.url, payload: delivery.body, headers: delivery.headers });
  }

  /** Only the replay's own job would store it: none may exist, and the source holds `count` rows. */
  async function expectNotStored(source: string, eventId: string, count: number) {
    expect(await pipeline.queue.getJob(`${source}/${eventId}`)).toBeUndefined();
    expect(await rows(source)).toHaveLength(count);
  }

  function genericDelivery(eventId: string, body: string): Delivery {
    const timestamp = now();
    return {
      url: '/webhooks/generic',
      body,
      headers: {
        'content-type': 'application/json',
        'x-event-id': eventId,
        'x-timestamp': String(timestamp),
        'x-signature': `sha256=${signHmacSha256(secrets.GENERIC_SECRET, eventId, timestamp, Buffer.from(body))}`,
      },
    };
  }

  it('generic: the signature covers the id, so a fresh id is refused and nothing is stored', async () => {
    const captured = genericDelivery('gen-1', '{"type":"order.paid","data":{"id":"o1"}}');
    expect((await send(captured)).status).toBe('accepted');
    await stored('generic', 'gen-1');
    const replay = await sendRaw({ ...captured, headers: { ...captured.headers, 'x-event-id': 'gen-forged' } });
    expect(replay.statusCode).toBe(401);
    expect(replay.json().error.code).toBe('invalid_signature');
    expect((await send(captured)).status).toBe('duplicate');
    expect((await send(genericDelivery('gen-2', '{"type":"order.paid","data":{"id":"o2"}}'))).status).toBe('accepted');
    await stored('generic', 'gen-2');
    await expectNotStored('generic', 'gen-forged', 2);
  });

  it('github: the same body under a fresh X-GitHub-Delivery is a duplicate, the same id too, a new body is stored', async () => {
    const captured = await githubDelivery('replay-gh-1', '{"action":"opened","issue":{"number":98}}');
    const other = await githubDelivery('replay-gh-3', '{"action":"closed","issue":{"number":98}}');
    const before = (await rows('github')).length;
    expect((await send(captured)).status).toBe('accepted');
    await stored('github', 'replay-gh-1');
    expect((await send({ ...captured, headers: { ...captured.headers, 'x-github-delivery': 'replay-gh-2' } })).status).toBe(
      'duplicate',
    );
    expect((await send(captured)).status).toBe('duplicate');
    expect((await send(other)).status).toBe('accepted');
    await stored('github', 'replay-gh-3');
    await expectNotStored('github', 'replay-gh-2', before + 2);
  });

  it('shopify: the same body and topic under fresh ids is a duplicate; the same body under another topic is stored', async () => {
    const captured = shopifyDelivery('replay-shop-1', 'replay-webhook-1', '{"id":820982911946154501,"financial_status":"paid"}');
    const before = (await rows('shopify')).length;
    expect((await send(captured)).status).toBe('accepted');
    await stored('shopify', 'replay-shop-1');
    const replay = { ...captured.headers, 'shopify-event-id': 'replay-shop-2', 'shopify-webhook-id': 'replay-webhook-2' };
    expect((await send({ ...captured, headers: replay })).status).toBe('duplicate');
    expect((await send(captured)).status).toBe('duplicate');
    // orders/updated of the same order may carry the very same bytes: a distinct event, stored.
    const updated = { ...captured.headers, 'shopify-event-id': 'replay-shop-3', 'shopify-topic': 'orders/updated' };
    expect((await send({ ...captured, headers: updated })).status).toBe('accepted');
    await stored('shopify', 'replay-shop-3');
    await expectNotStored('shopify', 'replay-shop-2', before + 2);
  });
});

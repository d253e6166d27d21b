import { createHmac } from 'node:crypto';
import { Writable } from 'node:stream';
import { parseSourcesConfig, type SourcesConfig, signHmacSha256 } from '@hookline/core';
import type { EventQueue } from '@hookline/queue';
import { createLogger } from '@hookline/runtime';
import type { FastifyInstance } from 'fastify';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestIngester, type TestIngester } from './testing.js';

const SECRET = 'generic-test-secret';
const OLD_SECRET = 'generic-old-secret';
const SW_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

function loadConfig(): SourcesConfig {
  const result = parseSourcesConfig(
    `
sources:
  - name: orders
    provider: hmac-sha256
    secrets: [ORDERS_SECRET, ORDERS_SECRET_OLD]
  - name: billing
    provider: standard-webhooks
    secrets: [BILLING_SECRET]
  - name: plain
    provider: custom
    secrets: [ORDERS_SECRET]
    scheme:
      algorithm: sha256
      encoding: hex
      signature: { headers: [x-signature], prefix: 'sha256=' }
      content: '{body}'
      id: ['header:x-event-id']
`,
    { ORDERS_SECRET: SECRET, ORDERS_SECRET_OLD: OLD_SECRET, BILLING_SECRET: SW_SECRET },
  );
  if (!result.ok) throw new Error(result.problems.join());
  return result.config;
}

const logLines: string[] = [];
const capture = new Writable({
  write(chunk, _encoding, done) {
    logLines.push(String(chunk));
    done();
  },
});

let ingester: TestIngester;
let queue: EventQueue;
let app: FastifyInstance;

function signed(body: string, options: { id?: string; secret?: string; timestamp?: number } = {}) {
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'x-timestamp': String(timestamp),
    'x-signature': `sha256=${signHmacSha256(options.secret ?? SECRET, options.id ?? '', timestamp, Buffer.from(body))}`,
  };
  if (options.id) headers['x-event-id'] = options.id;
  return { method: 'POST' as const, url: '/webhooks/orders', payload: body, headers };
}

beforeAll(async () => {
  ingester = await startTestIngester({
    config: loadConfig(),
    logger: createLogger({ name: 'ingester-test', level: 'debug', destination: capture }),
    env: { HOOKLINE_BODY_LIMIT_BYTES: String(64 * 1024) },
  });
  ({ app, queue } = ingester);
});

afterAll(async () => {
  await ingester.close();
});

describe('POST /webhooks/:source', () => {
  it('accepts a signed delivery and queues exactly its event', async () => {
    const body = '{"type":"order.paid","id":"ignored"}';
    const response = await app.inject(signed(body, { id: 'evt_1' }));
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'accepted', source: 'orders', eventId: 'evt_1' });
    const job = await queue.getJob('orders/evt_1');
    expect(job?.data).toMatchObject({ source: 'orders', eventId: 'evt_1', eventType: 'order.paid', rawBody: body });
    expect(job?.data.headers).not.toHaveProperty('x-signature');
  });

  it('answers duplicate for a redelivery inside the edge window', async () => {
    await app.inject(signed('{}', { id: 'evt_dup' }));
    const response = await app.inject(signed('{}', { id: 'evt_dup' }));
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'duplicate', source: 'orders', eventId: 'evt_dup' });
  });

  it('accepts a delivery signed with the older of two secrets (rotation)', async () => {
    const response = await app.inject(signed('{}', { id: 'evt_old', secret: OLD_SECRET }));
    expect(response.json()).toMatchObject({ status: 'accepted' });
  });

  it('accepts a Standard Webhooks delivery signed by the standardwebhooks package', async () => {
    const body = '{"type":"invoice.paid"}';
    const now = new Date();
    const response = await app.inject({
      method: 'POST',
      url: '/webhooks/billing',
      payload: body,
      headers: {
        'content-type': 'application/json',
        'webhook-id': 'msg_1',
        'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
        'webhook-signature': new Webhook(SW_SECRET).sign('msg_1', now, body),
      },
    });
    expect(response.json()).toEqual({ status: 'accepted', source: 'billing', eventId: 'msg_1' });
  });

  it('keeps the raw bytes of a body with unusual whitespace and no content type', async () => {
    const body = '{\n  "a" :  1 ,"b":[ ]}\n';
    const request = signed(body, { id: 'evt_ws' });
    const { 'content-type': _, ...headers } = request.headers;
    const response = await app.inject({ ...request, headers });
    expect(response.statusCode).toBe(200);
    expect((await queue.getJob('orders/evt_ws'))?.data.rawBody).toBe(body);
  });

  it('answers an unknown source with 404 unknown_source', async () => {
    const response = await app.inject({ ...signed('{}', { id: 'evt_x' }), url: '/webhooks/nope' });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual({ error: { code: 'unknown_source', message: expect.any(String) } });
  });

  it('answers a delivery without signature headers with 401 missing_signature', async () => {
    const response = await app.inject({ method: 'POST', url: '/webhooks/orders', payload: '{}', headers: { 'x-event-id': 'e' } });
    expect(response.statusCode).toBe(401);
    expect(response.json()).toEqual({ error: { code: 'missing_signature', message: expect.any(String) } });
  });

  it('answers a wrong signature with 401 invalid_signature', async () => {
    const response = await app.inject(signed('{}', { id: 'evt_wrong', secret: 'not-the-secret' }));
    expect(response.statusCode).toBe(401);
    expect(response.json()).toEqual({ error: { code: 'invalid_signature', message: expect.any(String) } });
  });

  it('answers a validly signed but stale delivery with 401 timestamp_out_of_tolerance', async () => {
    const response = await app.inject(signed('{}', { id: 'evt_old_ts', timestamp: Math.floor(Date.now() / 1000) - 3600 }));
    expect(response.statusCode).toBe(401);
    expect(response.json().error.code).toBe('timestamp_out_of_tolerance');
  });

  it.each(['{"a":', '[1,2,3]', '42', ''])('answers a signed non-object body %j with 400 malformed_body', async (body) => {
    const response = await app.inject(signed(body, { id: 'evt_bad' }));
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('malformed_body');
  });

  it('answers 400 missing_event_id when nothing names the event', async () => {
    const body = '{"type":"x"}';
    const signature = createHmac('sha256', SECRET).update(body).digest('hex');
    const response = await app.inject({
      method: 'POST',
      url: '/webhooks/plain',
      payload: body,
      headers: { 'content-type': 'application/json', 'x-signature': `sha256=${signature}` },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('missing_event_id');
  });

  it('answers 413 payload_too_large above the body limit', async () => {
    const body = JSON.stringify({ pad: 'x'.repeat(70 * 1024) });
    const response = await app.inject(signed(body, { id: 'evt_big' }));
    expect(response.statusCode).toBe(413);
    expect(response.json().error.code).toBe('payload_too_large');
  });

  it('answers unknown routes with 404 and other methods on a webhook route with 405, in the contract shape', async () => {
    const unknown = await app.inject({ method: 'POST', url: '/hooks/orders' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('not_found');
    for (const method of ['GET', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const) {
      const response = await app.inject({ method, url: '/webhooks/orders' });
      expect(response.statusCode).toBe(405);
      expect(response.headers.allow).toBe('POST');
      expect(response.json().error.code).toBe('method_not_allowed');
    }
    expect((await app.inject({ method: 'HEAD', url: '/webhooks/orders' })).statusCode).toBe(405);
  });

  it('never logs a secret or signature header', async () => {
    await app.inject(signed('{}', { id: 'evt_log' }));
    await app.inject(signed('{}', { id: 'evt_log_bad', secret: 'wrong' }));
    const logs = logLines.join('');
    expect(logs).toContain('delivery rejected');
    expect(logs).not.toContain(SECRET);
    expect(logs).not.toContain('sha256=');
  });
});

describe('GET /metrics', () => {
  async function sample(series: string): Promise<number> {
    const text = (await app.inject({ method: 'GET', url: '/metrics' })).body;
    const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
    return line === undefined ? 0 : Number(line.slice(series.length + 1));
  }

  it('counts deliveries by outcome and secret index', async () => {
    const accepted = 'hookline_ingest_requests_total{source="orders",outcome="accepted"}';
    const duplicate = 'hookline_ingest_requests_total{source="orders",outcome="duplicate"}';
    const invalid = 'hookline_ingest_requests_total{source="orders",outcome="invalid_signature"}';
    const unknown = 'hookline_ingest_requests_total{source="unknown",outcome="unknown_source"}';
    const oldSecret = 'hookline_signature_matches_total{source="orders",secret_index="1"}';
    const before = await Promise.all([accepted, duplicate, invalid, unknown, oldSecret].map(sample));

    await app.inject(signed('{}', { id: 'evt_metrics', secret: OLD_SECRET }));
    await app.inject(signed('{}', { id: 'evt_metrics' }));
    await app.inject(signed('{}', { id: 'evt_metrics_bad', secret: 'nope' }));
    await app.inject({ ...signed('{}', { id: 'evt_metrics_x' }), url: '/webhooks/random-name' });

    const after = await Promise.all([accepted, duplicate, invalid, unknown, oldSecret].map(sample));
    expect(after.map((value, index) => value - (before[index] ?? 0))).toEqual([1, 1, 1, 1, 1]);
    expect(await sample('hookline_ack_duration_seconds_count{source="orders"}')).toBeGreaterThan(0);
  });
});

describe('when Redis is unreachable', () => {
  it('answers 503 queue_unavailable with Retry-After, and /readyz is 503', async () => {
    const unreachable = await startTestIngester({
      config: loadConfig(),
      env: { REDIS_URL: 'redis://127.0.0.1:1', HOOKLINE_ENQUEUE_TIMEOUT_MS: '500' },
    });
    const down = unreachable.app;
    const response = await down.inject(signed('{}', { id: 'evt_down' }));
    expect(response.statusCode).toBe(503);
    expect(response.headers['retry-after']).toBe('5');
    expect(response.json().error.code).toBe('queue_unavailable');
    expect((await down.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(503);
    expect((await down.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    await unreachable.close();
  });
});

describe('health', () => {
  it('is ready while Redis answers', async () => {
    const response = await app.inject({ method: 'GET', url: '/readyz' });
    expect(response.statusCode).toBe(200);
  });
});

import { connect } from 'node:net';
import { parseSourcesConfig, type SourcesConfig, signHmacSha256 } from '@hookline/core';
import type { EventQueue } from '@hookline/queue';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestIngester, type TestIngester } from './testing.js';

const SECRET = 'hardening-secret';

function loadConfig(): SourcesConfig {
  const result = parseSourcesConfig(
    `
sources:
  - name: limited
    provider: hmac-sha256
    secrets: [SECRET]
    rateLimit: { max: 3, windowSeconds: 60 }
  - name: open
    provider: hmac-sha256
    secrets: [SECRET]
  - name: guarded
    provider: hmac-sha256
    secrets: [SECRET]
    rateLimit: { max: 3, windowSeconds: 60 }
`,
    { SECRET },
  );
  if (!result.ok) throw new Error(result.problems.join());
  return result.config;
}

function signed(source: string, id: string, body = '{"type":"t"}') {
  const timestamp = Math.floor(Date.now() / 1000);
  return {
    method: 'POST' as const,
    url: `/webhooks/${source}`,
    payload: body,
    headers: {
      'content-type': 'application/json',
      'x-event-id': id,
      'x-timestamp': String(timestamp),
      'x-signature': `sha256=${signHmacSha256(SECRET, id, timestamp, Buffer.from(body))}`,
    },
  };
}

/** Writes raw bytes to the listening app and resolves with everything it answers until it closes. */
function rawExchange(port: number, write: (send: (chunk: string) => void) => void): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let received = '';
    socket.on('data', (chunk) => {
      received += chunk.toString('latin1');
    });
    socket.on('error', reject);
    socket.on('close', () => resolve(received));
    socket.on('connect', () => write((chunk) => socket.write(chunk)));
  });
}

function parseRaw(response: string) {
  const [head = '', body = ''] = response.split('\r\n\r\n');
  return { status: Number(head.split(' ')[1]), head: head.toLowerCase(), json: JSON.parse(body) };
}

let ingester: TestIngester;
let app: FastifyInstance;
let queue: EventQueue;
let port: number;

beforeAll(async () => {
  ingester = await startTestIngester({
    config: loadConfig(),
    env: { HOOKLINE_BODY_LIMIT_BYTES: String(64 * 1024), HOOKLINE_REQUEST_TIMEOUT_MS: '500' },
  });
  ({ app, queue } = ingester);
  await app.listen({ port: 0, host: '127.0.0.1' });
  port = (app.server.address() as { port: number }).port;
});

afterAll(async () => {
  await ingester.close();
});

describe('per-source rate limit', () => {
  it('answers 429 rate_limited with Retry-After past the limit, queues nothing more, and leaves other sources alone', async () => {
    const responses = await Promise.all(Array.from({ length: 5 }, (_, index) => app.inject(signed('limited', `lim_${index}`))));
    const statuses = responses.map((response) => response.statusCode).sort();
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    const refused = responses.find((response) => response.statusCode === 429);
    expect(refused?.json()).toEqual({ error: { code: 'rate_limited', message: expect.stringContaining('retry later') } });
    expect(Number(refused?.headers['retry-after'])).toBeGreaterThan(0);
    expect(await queue.getJobCountByTypes('waiting', 'prioritized', 'delayed')).toBe(3);

    const open = await Promise.all(Array.from({ length: 10 }, (_, index) => app.inject(signed('open', `open_${index}`))));
    expect(open.map((response) => response.statusCode)).toEqual(Array(10).fill(200));
    const metrics = (await app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toContain('hookline_ingest_requests_total{source="limited",outcome="rate_limited"} 2');
  });
});

describe('rate limits and strangers', () => {
  const forged = (id: string) => {
    const request = signed('guarded', id);
    return { ...request, headers: { ...request.headers, 'x-signature': `sha256=${'0'.repeat(64)}` } };
  };

  it("count only verified deliveries against a source's quota, and limit forgeries per address", async () => {
    const attacker = '203.0.113.66';
    const sender = '198.51.100.7';
    const attempts: number[] = [];
    for (let index = 0; index < 6; index++) {
      attempts.push((await app.inject({ ...forged(`forged_${index}`), remoteAddress: attacker })).statusCode);
    }
    expect(attempts).toEqual([401, 401, 401, 429, 429, 429]);

    const delivered: number[] = [];
    for (let index = 0; index < 3; index++) {
      delivered.push((await app.inject({ ...signed('guarded', `real_${index}`), remoteAddress: sender })).statusCode);
    }
    expect(delivered).toEqual([200, 200, 200]);

    const over = await app.inject({ ...signed('guarded', 'real_3'), remoteAddress: sender });
    expect(over.statusCode).toBe(429);
    expect(over.json().error.code).toBe('rate_limited');
    expect(Number(over.headers['retry-after'])).toBeGreaterThan(0);
    const jobs = await queue.getJobs(['waiting', 'prioritized', 'delayed']);
    expect(
      jobs
        .filter((job) => job.data.source === 'guarded')
        .map((job) => job.data.eventId)
        .sort(),
    ).toEqual(['real_0', 'real_1', 'real_2']);
  });

  it('behind a trusted proxy (HOOKLINE_TRUST_PROXY), limits each forwarded client on its own', async () => {
    const proxied = await startTestIngester({ config: loadConfig(), env: { HOOKLINE_TRUST_PROXY: '127.0.0.1' } });
    try {
      const from = async (client: string, id: string) =>
        (await proxied.app.inject({ ...forged(id), headers: { ...forged(id).headers, 'x-forwarded-for': client } })).statusCode;
      const first: number[] = [];
      for (let index = 0; index < 4; index++) first.push(await from('203.0.113.1', `proxied_${index}`));
      expect(first).toEqual([401, 401, 401, 429]);
      expect(await from('203.0.113.2', 'proxied_other')).toBe(401);
    } finally {
      await proxied.close();
    }
  });
});

describe('hostile HTTP', () => {
  it('answers 408 request_timeout to a sender that stops halfway through its body', async () => {
    const before = await queue.count();
    const response = await rawExchange(port, (send) => {
      send('POST /webhooks/open HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{"a":');
    });
    expect(parseRaw(response)).toMatchObject({ status: 408, json: { error: { code: 'request_timeout' } } });
    expect(await queue.count()).toBe(before);
  });

  it('answers 408 to a sender that never finishes its headers', async () => {
    const response = await rawExchange(port, (send) => send('POST /webhooks/open HTTP/1.1\r\nhost: x\r\n'));
    expect(parseRaw(response).status).toBe(408);
  });

  it('answers 431 headers_too_large to oversized headers', async () => {
    const response = await rawExchange(port, (send) => {
      send(`POST /webhooks/open HTTP/1.1\r\nhost: x\r\nx-pad: ${'a'.repeat(20_000)}\r\ncontent-length: 2\r\n\r\n{}`);
    });
    expect(parseRaw(response)).toMatchObject({ status: 431, json: { error: { code: 'headers_too_large' } } });
  });

  it('answers 400 bad_request to bytes that are not HTTP', async () => {
    const response = await rawExchange(port, (send) => send('\u0000\u0001 hello there\r\n\r\n'));
    expect(parseRaw(response)).toMatchObject({ status: 400, json: { error: { code: 'bad_request' } } });
  });

  it('answers 413 from the declared length, before the body is sent', async () => {
    const response = await rawExchange(port, (send) => {
      send('POST /webhooks/open HTTP/1.1\r\nhost: x\r\nconnection: close\r\ncontent-length: 104857600\r\n\r\n{"a":');
    });
    expect(parseRaw(response)).toMatchObject({ status: 413, json: { error: { code: 'payload_too_large' } } });
  });

  it('answers 400 bad_request to a URL that does not decode', async () => {
    const response = await app.inject({ method: 'POST', url: '/webhooks/%E0%A4%A', payload: '{}' });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({ error: { code: 'bad_request', message: expect.any(String) } });
  });

  it('stays up and answers the next delivery after all of the above', async () => {
    expect((await app.inject(signed('open', 'after_hostile'))).statusCode).toBe(200);
  });
});

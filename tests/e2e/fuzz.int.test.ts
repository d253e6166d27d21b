import { Agent, request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { signHmacSha256 } from '@hookline/core';
import { createEventQueue, createProducerConnection, type EventQueue } from '@hookline/queue';
import { removePrefix, testPrefix, testRedisUrl } from '@hookline/queue/testing';
import fc from 'fast-check';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exited, SECRET, type SpawnedIngester, spawnIngester } from './harness.js';

type SignatureMode = 'valid' | 'missing' | 'garbled' | 'wrong-secret' | 'stale' | 'huge-header' | 'many-headers';

interface FuzzRequest {
  readonly method: string;
  readonly path: string;
  readonly contentType: string | undefined;
  readonly body: Uint8Array;
  readonly signature: SignatureMode;
  readonly eventId: string | undefined;
}

const text = (value: string) => new TextEncoder().encode(value);
const nested = (depth: number, open: string, close: string) => `${open.repeat(depth)}1${close.repeat(depth)}`;

// Bodies that are hostile in the ways senders (or attackers) produce: not JSON, almost JSON,
// JSON that is not an object, too deep, odd numbers, prototype keys, duplicate keys, bad UTF-8.
const body = fc.oneof(
  fc.uint8Array({ maxLength: 3000 }),
  fc.json().map(text),
  fc.json().map((json) => text(json.slice(0, Math.floor(json.length / 2)))),
  fc.string({ maxLength: 500 }).map(text),
  fc.integer({ min: 120, max: 60_000 }).map((depth) => text(nested(depth, '{"a":', '}'))),
  fc.integer({ min: 120, max: 60_000 }).map((depth) => text(`[${nested(depth, '[', ']')}]`)),
  fc
    .constantFrom(
      '{"n":1e400,"m":123456789012345678901234567890123,"o":-0,"p":1e-400}',
      '{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}}}',
      '{"a":1,"a":2,"job":{"id":"j","id":"k","status":"queued"}}',
      '',
      ' ',
      'null',
      '[]',
      '"string"',
      '{"job":{"id":{"nested":true},"status":["x"]}}',
    )
    .map(text),
  fc
    .tuple(fc.uint8Array({ minLength: 1, maxLength: 4 }), fc.json())
    .map(([bytes, json]) => new Uint8Array([...text('{"bad":"'), 0xc3, ...bytes, 0xff, ...text(`","ok":${json}}`)])),
);

const fuzzRequest: fc.Arbitrary<FuzzRequest> = fc.record({
  method: fc.constantFrom('POST', 'POST', 'POST', 'POST', 'GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD'),
  path: fc.constantFrom(
    '/webhooks/jobs',
    '/webhooks/jobs',
    '/webhooks/jobs',
    '/webhooks/jobs?x=1&x=2&__proto__[a]=1',
    '/webhooks/unknown',
    '/webhooks/__proto__',
    '/webhooks/constructor',
    '/webhooks/',
    '/webhooks/jobs/extra',
    '/webhooks/%E0%A4%A',
    `/webhooks/${'a'.repeat(400)}`,
    '/',
    '/metrics/../webhooks/jobs',
  ),
  contentType: fc.constantFrom(
    undefined,
    'application/json',
    'application/json; charset=latin1',
    'text/plain',
    'application/x-www-form-urlencoded',
    'multipart/form-data; boundary=x',
    'application/octet-stream',
    '*/*;;;=',
  ),
  body,
  signature: fc.constantFrom<SignatureMode>(
    'valid',
    'valid',
    'valid',
    'missing',
    'garbled',
    'wrong-secret',
    'stale',
    'huge-header',
    'many-headers',
  ),
  eventId: fc.option(fc.stringMatching(/^[\x21-\x7e]{1,300}$/), { nil: undefined }),
});

function headersOf(fuzz: FuzzRequest): Record<string, string> {
  const now = Math.floor(Date.now() / 1000);
  const timestamp = fuzz.signature === 'stale' ? now - 3600 : now;
  const raw = Buffer.from(fuzz.body);
  const headers: Record<string, string> = {};
  if (fuzz.contentType !== undefined) headers['content-type'] = fuzz.contentType;
  if (fuzz.eventId !== undefined) headers['x-event-id'] = fuzz.eventId;
  if (fuzz.signature !== 'missing') {
    headers['x-timestamp'] = String(timestamp);
    const secret = fuzz.signature === 'wrong-secret' ? 'not-the-secret' : SECRET;
    headers['x-signature'] =
      fuzz.signature === 'garbled' ? 'sha256=zz!' : `sha256=${signHmacSha256(secret, fuzz.eventId ?? '', timestamp, raw)}`;
  }
  if (fuzz.signature === 'huge-header') headers['x-pad'] = 'p'.repeat(40_000);
  if (fuzz.signature === 'many-headers') {
    for (let index = 0; index < 300; index++) headers[`x-extra-${index}`] = 'v'.repeat(40);
  }
  return headers;
}

interface Answer {
  readonly status: number;
  readonly body: string;
}

const agent = new Agent({ keepAlive: true, maxSockets: 16 });

function send(base: string, fuzz: FuzzRequest): Promise<Answer> {
  return new Promise((resolve) => {
    const request = httpRequest(`${base}${fuzz.path}`, { method: fuzz.method, headers: headersOf(fuzz), agent }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
      response.on('error', () => resolve({ status: response.statusCode ?? 0, body: '' }));
    });
    // A server may answer (413, 431) and close before the body is all sent: that is an answer too.
    request.on('error', () => resolve({ status: -1, body: '' }));
    request.end(fuzz.method === 'GET' || fuzz.method === 'HEAD' ? undefined : Buffer.from(fuzz.body));
  });
}

const rawRequest = fc.oneof(
  fc.uint8Array({ minLength: 1, maxLength: 2000 }).map((bytes) => Buffer.from(bytes)),
  fc
    .constantFrom(
      'POST /webhooks/jobs HTTP/1.1\r\nhost: x\r\ncontent-length: -5\r\n\r\n',
      'POST /webhooks/jobs HTTP/1.1\r\nhost: x\r\ncontent-length: abc\r\n\r\n',
      'POST /webhooks/jobs HTTP/1.1\r\nhost: x\r\ncontent-length: 5\r\ntransfer-encoding: chunked\r\n\r\n0\r\n\r\n',
      'POST /webhooks/jobs HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n',
      'POST /webhooks/jobs HTTP/1.1\r\nhost: x\r\ncontent-length: 2\r\ncontent-length: 3\r\n\r\n{}',
      'POST /webhooks/jobs HTTP/9.9\r\nhost: x\r\n\r\n',
      'POST  HTTP/1.1\r\n\r\n',
      'POST /webhooks/jobs HTTP/1.1\r\nbad header line\r\n\r\n',
      'POST /webhooks/jobs HTTP/1.1\r\nhost: x\r\nx-nul: a\u0000b\r\ncontent-length: 2\r\n\r\n{}',
      '\r\n\r\n\r\n',
      'GET / HTTP/1.1\r\nhost: x\r\n\r\n'.repeat(3),
    )
    .map((value) => Buffer.from(value, 'latin1')),
);

/** Writes bytes that may not be HTTP at all; resolves with the status line's code, or 0 if none came. */
function sendRaw(port: number, bytes: Buffer): Promise<number> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let received = '';
    const done = () => resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(received)?.[1] ?? 0));
    socket.setTimeout(3000, () => socket.destroy());
    socket.on('data', (chunk) => {
      received += chunk.toString('latin1');
      // Only the first status matters; a pipelined GET may answer more than once.
      if (received.includes('\r\n\r\n')) socket.end();
    });
    socket.on('error', done);
    socket.on('close', done);
    socket.on('connect', () => socket.end(bytes));
  });
}

async function inBatches<T, R>(items: readonly T[], size: number, run: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let index = 0; index < items.length; index += size) {
    results.push(...(await Promise.all(items.slice(index, index + size).map(run))));
  }
  return results;
}

const prefix = testPrefix();
let ingester: SpawnedIngester;
let connection: Redis;
let queue: EventQueue;

beforeAll(async () => {
  ingester = await spawnIngester({ prefix, env: { HOOKLINE_REQUEST_TIMEOUT_MS: '2000' } });
  connection = createProducerConnection(testRedisUrl());
  queue = createEventQueue(connection, { prefix });
});

afterAll(async () => {
  agent.destroy();
  ingester.child.kill('SIGTERM');
  await exited(ingester.child);
  await queue.close();
  await removePrefix(connection, prefix);
  await connection.quit();
});

describe('thousands of generated hostile requests against the real ingester process', () => {
  it('get no 5xx, only contract-shaped errors, nothing queued unless validly signed, and the process stays up', async () => {
    const requests = fc.sample(fuzzRequest, { numRuns: 4000, seed: 20261123 });
    const answers = await inBatches(requests, 16, (fuzz) => send(ingester.url, fuzz));

    const serverErrors = answers.filter(({ status }) => status >= 500);
    expect(serverErrors).toEqual([]);
    // Each answered request got a status and, but for HEAD and successes, the contract's error shape.
    answers.forEach((answer, index) => {
      const fuzz = requests[index] as FuzzRequest;
      if (answer.status === -1 || fuzz.method === 'HEAD' || answer.status === 200) return;
      expect(JSON.parse(answer.body)).toEqual({ error: { code: expect.any(String), message: expect.any(String) } });
    });
    const accepted = answers.filter(({ status, body }) => status === 200 && JSON.parse(body).status === 'accepted');
    const acceptedRequests = requests.filter((_, index) => answers[index]?.status === 200);
    // Only requests signed with the real secret and a fresh timestamp (300 extra headers do not matter) get in.
    const signedRight = (fuzz: FuzzRequest) => fuzz.signature === 'valid' || fuzz.signature === 'many-headers';
    expect(acceptedRequests.filter((fuzz) => !signedRight(fuzz) || fuzz.method !== 'POST')).toEqual([]);
    // The mix really exercised rejections and acceptances, not one outcome everywhere.
    const statuses = new Set(answers.map(({ status }) => status));
    for (const expected of [200, 400, 401, 404, 405, 431]) expect(statuses).toContain(expected);
    expect(await queue.getJobCountByTypes('waiting', 'prioritized', 'delayed')).toBe(accepted.length);

    const raw = fc.sample(rawRequest, { numRuns: 400, seed: 7 });
    const port = Number(new URL(ingester.url).port);
    const rawStatuses = await inBatches(raw, 16, (bytes) => sendRaw(port, bytes));
    expect(rawStatuses.filter((status) => status >= 500)).toEqual([]);
    expect(rawStatuses.filter((status) => status === 400).length).toBeGreaterThan(100);

    expect(ingester.child.exitCode).toBeNull();
    expect((await fetch(`${ingester.url}/healthz`)).status).toBe(200);
    expect(await queue.getJobCountByTypes('waiting', 'prioritized', 'delayed')).toBe(accepted.length);
  }, 180_000);
});

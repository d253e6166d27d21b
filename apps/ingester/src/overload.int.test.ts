import { connect, type Socket } from 'node:net';
import { parseSourcesConfig, type SourcesConfig, signHmacSha256, toJobId } from '@hookline/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestIngester, type TestIngester } from './testing.js';

const SECRET = 'overload-secret';
const MAX_IN_FLIGHT = 5;

function loadConfig(): SourcesConfig {
  const result = parseSourcesConfig('sources:\n  - { name: busy, provider: hmac-sha256, secrets: [SECRET] }\n', { SECRET });
  if (!result.ok) throw new Error(result.problems.join());
  return result.config;
}

function signedHeaders(id: string, body: string): Record<string, string> {
  const timestamp = Math.floor(Date.now() / 1000);
  return {
    'content-type': 'application/json',
    'x-event-id': id,
    'x-timestamp': String(timestamp),
    'x-signature': `sha256=${signHmacSha256(SECRET, id, timestamp, Buffer.from(body))}`,
  };
}

let ingester: TestIngester;
let url: string;

beforeAll(async () => {
  ingester = await startTestIngester({ config: loadConfig(), env: { HOOKLINE_MAX_IN_FLIGHT: String(MAX_IN_FLIGHT) } });
  url = await ingester.app.listen({ port: 0, host: '127.0.0.1' });
});

afterAll(async () => {
  await ingester.close();
});

async function metric(name: string): Promise<number> {
  const text = await ingester.role.metrics.registry.metrics();
  const line = text.split('\n').find((candidate) => candidate.startsWith(name));
  return line === undefined ? 0 : Number(line.split(' ').at(-1));
}

async function inJobs(ids: readonly string[]): Promise<string[]> {
  const found = await Promise.all(ids.map((id) => ingester.queue.getJob(toJobId('busy', id))));
  return found.flatMap((job) => (job === undefined ? [] : [job.data.eventId]));
}

/** A delivery whose body arrives only when `finish` is called: it stays in flight until then. */
function heldDelivery(id: string) {
  const body = `{"id":"${id}"}`;
  const headers = { ...signedHeaders(id, body), 'content-length': String(Buffer.byteLength(body)), host: 'x' };
  const socket: Socket = connect(Number(new URL(url).port), '127.0.0.1');
  let received = '';
  socket.on('data', (chunk) => {
    received += chunk.toString();
  });
  const answered = new Promise<number>((resolve) => socket.on('end', () => resolve(Number(received.split(' ')[1]))));
  socket.write(
    `POST /webhooks/busy HTTP/1.1\r\n${Object.entries(headers)
      .map(([key, value]) => `${key}: ${value}`)
      .join('\r\n')}\r\nconnection: close\r\n\r\n`,
  );
  socket.write(body.slice(0, 3));
  return {
    answered,
    finish: () => socket.write(body.slice(3)),
  };
}

describe(`an ingester with HOOKLINE_MAX_IN_FLIGHT=${MAX_IN_FLIGHT}`, () => {
  it('sheds deliveries past the limit at once with 503 overloaded and Retry-After, and keeps every one it admitted', async () => {
    const held = Array.from({ length: MAX_IN_FLIGHT }, (_, index) => heldDelivery(`held_${index}`));
    await expect.poll(() => metric('hookline_ingest_in_flight'), { timeout: 10_000 }).toBe(MAX_IN_FLIGHT);

    const shed = await Promise.all(
      Array.from({ length: 20 }, async (_, index) => {
        const body = `{"id":"shed_${index}"}`;
        return fetch(`${url}/webhooks/busy`, { method: 'POST', headers: signedHeaders(`shed_${index}`, body), body });
      }),
    );
    for (const response of shed) {
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBe('5');
      expect(await response.json()).toEqual({ error: { code: 'overloaded', message: expect.any(String) } });
    }
    expect(await metric('hookline_ingest_requests_total{source="busy",outcome="overloaded"}')).toBe(20);

    for (const delivery of held) delivery.finish();
    expect(await Promise.all(held.map((delivery) => delivery.answered))).toEqual(Array(MAX_IN_FLIGHT).fill(200));
    const heldIds = held.map((_, index) => `held_${index}`);
    expect((await inJobs(heldIds)).sort()).toEqual(heldIds);
    expect(await inJobs(Array.from({ length: 20 }, (_, index) => `shed_${index}`))).toEqual([]);

    // Room again once they are answered.
    await expect.poll(() => metric('hookline_ingest_in_flight')).toBe(0);
    const after = await fetch(`${url}/webhooks/busy`, { method: 'POST', headers: signedHeaders('after', '{}'), body: '{}' });
    expect(after.status).toBe(200);
  });

  it('under a flood of concurrent deliveries, answers each 200 or 503 overloaded, and stores every 200', async () => {
    const ids = Array.from({ length: 300 }, (_, index) => `flood_${index}`);
    const answers = await Promise.all(
      ids.map(async (id) => {
        const body = `{"id":"${id}"}`;
        const response = await fetch(`${url}/webhooks/busy`, { method: 'POST', headers: signedHeaders(id, body), body });
        return {
          id,
          status: response.status,
          code: response.status === 200 ? 'ok' : ((await response.json()) as { error: { code: string } }).error.code,
        };
      }),
    );
    const accepted = answers.filter((answer) => answer.status === 200).map((answer) => answer.id);
    const shed = answers.filter((answer) => answer.status === 503 && answer.code === 'overloaded');
    expect(accepted.length + shed.length).toBe(ids.length);
    expect(shed.length).toBeGreaterThan(0);
    expect(accepted.length).toBeGreaterThan(0);
    expect((await inJobs(accepted)).sort()).toEqual([...accepted].sort());
  });
});

describe('an ingester whose event loop lags past HOOKLINE_MAX_EVENT_LOOP_DELAY_MS', () => {
  it('sheds deliveries with 503 overloaded until it has caught up, and still answers its probes', async () => {
    const lagging = await startTestIngester({ config: loadConfig(), env: { HOOKLINE_MAX_EVENT_LOOP_DELAY_MS: '50' } });
    try {
      const deliver = (id: string) =>
        lagging.app.inject({ method: 'POST', url: '/webhooks/busy', headers: signedHeaders(id, '{}'), payload: '{}' });
      expect((await deliver('before')).statusCode).toBe(200);

      // A saturated process: nothing else runs for 1.5 s.
      const until = Date.now() + 1500;
      while (Date.now() < until) {
        // busy
      }
      // The overdue delay sample runs first, then this delivery.
      await new Promise((resolve) => setTimeout(resolve, 0));
      const shed = await deliver('during');
      expect(shed.statusCode).toBe(503);
      expect(shed.headers['retry-after']).toBe('5');
      expect(shed.json()).toEqual({ error: { code: 'overloaded', message: expect.any(String) } });
      expect((await lagging.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
      expect(await lagging.queue.getJob(toJobId('busy', 'during'))).toBeUndefined();

      await expect.poll(async () => (await deliver('after')).statusCode, { timeout: 5000, interval: 50 }).toBe(200);
      const text = await lagging.role.metrics.registry.metrics();
      const counted = /hookline_ingest_requests_total\{source="busy",outcome="overloaded"\} (\d+)/.exec(text)?.[1];
      expect(Number(counted)).toBeGreaterThanOrEqual(1);
    } finally {
      await lagging.close();
    }
  });
});

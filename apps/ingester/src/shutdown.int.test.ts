import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { parseSourcesConfig, signHmacSha256 } from '@hookline/core';
import type { FastifyInstance } from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import { startTestIngester, type TestIngester } from './testing.js';

const SECRET = 'shutdown-test-secret';
const ingesters: TestIngester[] = [];

afterAll(async () => {
  for (const ingester of ingesters) await ingester.close();
});

/** A raw HTTP/1.1 keep-alive request, split so the test decides when the last bytes go out. */
function rawDelivery(eventId: string): { head: string; body: string } {
  const body = JSON.stringify({ id: eventId });
  const timestamp = Math.floor(Date.now() / 1000);
  const signature = signHmacSha256(SECRET, eventId, timestamp, Buffer.from(body));
  const head = [
    'POST /webhooks/orders HTTP/1.1',
    'host: 127.0.0.1',
    'connection: keep-alive',
    'content-type: application/json',
    `content-length: ${Buffer.byteLength(body)}`,
    `x-event-id: ${eventId}`,
    `x-timestamp: ${timestamp}`,
    `x-signature: sha256=${signature}`,
    '',
    '',
  ].join('\r\n');
  return { head, body };
}

interface RawResponse {
  readonly status: number;
  readonly headers: string;
  readonly body: string;
}

/** Reads whole responses off a raw socket, keeping bytes that belong to the next one. */
function responseReader(socket: Socket): () => Promise<RawResponse> {
  let received = '';
  socket.on('data', (chunk: Buffer) => {
    received += chunk.toString();
  });
  return async () => {
    for (;;) {
      const match = /^HTTP\/1\.1 (\d{3})[^\r]*\r\n([\s\S]*?)\r\n\r\n/.exec(received);
      const length = match ? Number(/content-length: (\d+)/i.exec(match[2] ?? '')?.[1]) : Number.NaN;
      if (match && received.length >= match[0].length + length) {
        const body = received.slice(match[0].length, match[0].length + length);
        received = received.slice(match[0].length + length);
        return { status: Number(match[1]), headers: match[2] ?? '', body };
      }
      await once(socket, 'data');
    }
  };
}

async function listeningApp(): Promise<{ app: FastifyInstance; port: number; inFlight: Promise<void> }> {
  const parsed = parseSourcesConfig('sources:\n  - name: orders\n    provider: hmac-sha256\n    secrets: [ORDERS_SECRET]\n', {
    ORDERS_SECRET: SECRET,
  });
  if (!parsed.ok) throw new Error(parsed.problems.join());
  const ingester = await startTestIngester({ config: parsed.config });
  ingesters.push(ingester);
  const { app } = ingester;
  let routed: () => void = () => {};
  const inFlight = new Promise<void>((resolve) => {
    routed = resolve;
  });
  app.addHook('onRequest', async () => routed());
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (address === null || typeof address !== 'object') throw new Error('not listening');
  return { app, port: address.port, inFlight };
}

const TIMED_OUT = Symbol('timed out');
function within<T>(promise: Promise<T>, ms: number): Promise<T | typeof TIMED_OUT> {
  return Promise.race([promise, new Promise<typeof TIMED_OUT>((resolve) => setTimeout(() => resolve(TIMED_OUT), ms).unref())]);
}

describe('close (SIGTERM) while a sender holds a keep-alive connection', () => {
  it('answers the delivery in flight, then ends the idle connection instead of waiting out its keep-alive timeout', async () => {
    const { app, port, inFlight } = await listeningApp();
    const socket = connect(port, '127.0.0.1');
    await once(socket, 'connect');
    const ended = once(socket, 'end');
    const readResponse = responseReader(socket);
    // The delivery is in flight (its body not yet sent) when the close begins.
    const delivery = rawDelivery('evt_in_flight');
    socket.write(delivery.head);
    await inFlight;
    const closed = app.close();
    socket.write(delivery.body);

    const response = await readResponse();
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body)).toEqual({ status: 'accepted', source: 'orders', eventId: 'evt_in_flight' });
    // The sender keeps its end open, as a pooled connection does: the server ends it once idle.
    expect(await within(ended, 5000)).not.toBe(TIMED_OUT);
    expect(await within(closed, 5000)).not.toBe(TIMED_OUT);
    socket.destroy();
  });

  it('answers a delivery pipelined behind the one in flight as the contract says', async () => {
    const { app, port, inFlight } = await listeningApp();
    const socket = connect(port, '127.0.0.1');
    await once(socket, 'connect');
    const readResponse = responseReader(socket);
    const first = rawDelivery('evt_first');
    socket.write(first.head);
    await inFlight;
    const closed = app.close();
    const second = rawDelivery('evt_pipelined');
    socket.write(first.body + second.head + second.body);

    expect((await readResponse()).status).toBe(200);
    const response = await readResponse();
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body)).toEqual({ status: 'accepted', source: 'orders', eventId: 'evt_pipelined' });
    expect(response.headers).toMatch(/connection: close/i);
    expect(await within(closed, 5000)).not.toBe(TIMED_OUT);
    socket.destroy();
  });
});

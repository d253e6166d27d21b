import { once } from 'node:events';
import { connect } from 'node:net';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { closeIdleConnectionsWhileClosing } from './close-idle-connections.js';

const TIMED_OUT = Symbol('timed out');
function within<T>(promise: Promise<T>, ms: number): Promise<T | typeof TIMED_OUT> {
  return Promise.race([promise, new Promise<typeof TIMED_OUT>((resolve) => setTimeout(() => resolve(TIMED_OUT), ms).unref())]);
}

describe('closeIdleConnectionsWhileClosing', () => {
  it('ends a keep-alive connection whose request was still arriving when close() began, once answered', async () => {
    const app = Fastify();
    closeIdleConnectionsWhileClosing(app);
    let routed: () => void = () => {};
    const inFlight = new Promise<void>((resolve) => {
      routed = resolve;
    });
    app.addHook('onRequest', async () => routed());
    app.post('/in', async (request) => ({ received: request.body }));
    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.server.address();
    if (address === null || typeof address !== 'object') throw new Error('not listening');

    const socket = connect(address.port, '127.0.0.1');
    await once(socket, 'connect');
    let received = '';
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString();
    });
    const ended = once(socket, 'end');
    // Headers now, body once the close has begun: the request is in flight, not idle.
    socket.write('POST /in HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n');
    await inFlight;
    const closed = app.close();
    socket.write('{}');

    // The client keeps its end open, as a pooled connection does: without the helper the close
    // waits for the 72 s keep-alive timeout.
    expect(await within(ended, 5000)).not.toBe(TIMED_OUT);
    expect(received).toMatch(/^HTTP\/1\.1 200 /);
    expect(await within(closed, 5000)).not.toBe(TIMED_OUT);
    socket.destroy();
  });
});

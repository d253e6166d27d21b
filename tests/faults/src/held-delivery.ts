import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { jobBody, signedDelivery } from '@hookline/e2e/harness';

/**
 * A delivery on a raw keep-alive connection, sent in two steps: headers now, the body
 * when the test says. Between the two, the request is in flight on the server.
 */
export interface HeldDelivery {
  /** Sends the body; resolves with the response's status line code. The connection stays open. */
  finish(): Promise<number>;
  /** Resolves when the server ends the connection. */
  readonly ended: Promise<void>;
  readonly socket: Socket;
}

export async function startHeldDelivery(port: number, eventId: string): Promise<HeldDelivery> {
  const request = signedDelivery(eventId, jobBody(`entity-${eventId}`, 'running'));
  const socket = connect(port, '127.0.0.1');
  await once(socket, 'connect');
  let received = '';
  socket.on('data', (chunk: Buffer) => {
    received += chunk.toString();
  });
  const ended = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  const head = [
    `${request.method} ${request.url} HTTP/1.1`,
    'host: 127.0.0.1',
    'connection: keep-alive',
    `content-length: ${Buffer.byteLength(request.payload)}`,
    ...Object.entries(request.headers).map(([name, value]) => `${name}: ${value}`),
    '',
    '',
  ].join('\r\n');
  socket.write(head);
  return {
    socket,
    ended,
    async finish() {
      socket.write(request.payload);
      while (!/^HTTP\/1\.1 \d{3}/.test(received)) await once(socket, 'data');
      return Number(received.slice(9, 12));
    },
  };
}

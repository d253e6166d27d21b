import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { jobBody, signedDelivery } from '@hookline/e2e/harness';

/**
 * A delivery on a raw keep-alive connection, sent in two steps: the headers (with
 * `Expect: 100-continue`, so the server's `100 Continue` proves it has taken the request in),
 * then the body when the test says. Between the two the request is in flight on the server.
 */
export interface HeldDelivery {
  /** Sends the body; resolves with the final status code (0 if the connection closed first). The connection stays open. */
  finish(): Promise<number>;
  /** Resolves when the connection has closed (the server ended it). */
  readonly ended: Promise<void>;
  readonly socket: Socket;
}

const FINAL_STATUS = /HTTP\/1\.1 ([2-5]\d\d) /;

export async function startHeldDelivery(port: number, eventId: string): Promise<HeldDelivery> {
  const request = signedDelivery(eventId, jobBody(`entity-${eventId}`, 'running'));
  const socket = connect(port, '127.0.0.1');
  await once(socket, 'connect');
  let received = '';
  let closed = false;
  socket.on('data', (chunk: Buffer) => {
    received += chunk.toString();
  });
  const ended = new Promise<void>((resolve) =>
    socket.once('close', () => {
      closed = true;
      resolve();
    }),
  );
  // Settles at the next chunk or at the close, whichever comes first.
  const nextEvent = () => Promise.race([once(socket, 'data'), ended]);
  const head = [
    `${request.method} ${request.url} HTTP/1.1`,
    'host: 127.0.0.1',
    'connection: keep-alive',
    'expect: 100-continue',
    `content-length: ${Buffer.byteLength(request.payload)}`,
    ...Object.entries(request.headers).map(([name, value]) => `${name}: ${value}`),
    '',
    '',
  ].join('\r\n');
  socket.write(head);
  while (!received.includes('HTTP/1.1 100')) {
    if (closed) throw new Error(`connection closed before 100 Continue: ${received}`);
    await nextEvent();
  }
  return {
    socket,
    ended,
    async finish() {
      socket.write(request.payload);
      for (;;) {
        const status = FINAL_STATUS.exec(received)?.[1];
        if (status !== undefined) return Number(status);
        if (closed) return 0;
        await nextEvent();
      }
    },
  };
}

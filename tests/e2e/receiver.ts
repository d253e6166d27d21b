import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request the receiver saw, when it arrived (epoch ms, this machine's clock). */
export interface ReceivedRequest {
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  readonly at: number;
}

/** What to answer: a status (and headers), or `hang` to hold the response until the receiver closes. */
export type Reply = { readonly status: number; readonly headers?: Record<string, string> } | 'hang';

/** A real local HTTP server standing in for a downstream service. */
export interface Receiver {
  readonly requests: ReceivedRequest[];
  url(path?: string): string;
  /** Stops listening and drops every connection: the destination is down (connection refused). */
  stop(): Promise<void>;
  /** Listens again on the same port. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

/** Starts a receiver on a free port; `reply` decides each answer from the request and its index. */
export async function startReceiver(reply: (request: ReceivedRequest, index: number) => Reply): Promise<Receiver> {
  const requests: ReceivedRequest[] = [];
  const held: ServerResponse[] = [];
  let server: Server;
  let port = 0;

  function listen(): Promise<void> {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const request = {
          path: req.url ?? '/',
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8'),
          at: Date.now(),
        };
        requests.push(request);
        const answer = reply(request, requests.length - 1);
        if (answer === 'hang') {
          held.push(res);
          return;
        }
        res.writeHead(answer.status, answer.headers).end();
      });
    });
    return new Promise((resolve) => {
      server.listen(port, '127.0.0.1', () => {
        port = (server.address() as AddressInfo).port;
        resolve();
      });
    });
  }

  async function stop(): Promise<void> {
    for (const res of held.splice(0)) res.destroy();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  await listen();
  return {
    requests,
    url: (path = '/') => `http://127.0.0.1:${port}${path}`,
    stop,
    restart: listen,
    close: () => (server.listening ? stop() : Promise.resolve()),
  };
}

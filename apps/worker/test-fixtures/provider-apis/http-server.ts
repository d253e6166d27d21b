import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request as the fake APIs see it, with the whole body read. */
export interface ApiRequest {
  readonly method: string;
  readonly url: URL;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

export interface ApiResponse {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: unknown;
}

/** A scripted answer for the next request that matches, instead of the API's own. */
export type Fault = (request: ApiRequest) => ApiResponse | undefined;

export interface FakeApi {
  readonly url: string;
  /** Every request received, in order. */
  readonly requests: ApiRequest[];
  /** Answers the next request `fault` returns a response for with that response, once. */
  inject(fault: Fault): void;
  /** Holds every answer from now on until the function returned is called. */
  hold(): () => void;
  close(): Promise<void>;
}

/** A local HTTP server for a provider's API: `handle` implements it, faults come first. */
export async function startFakeApi(handle: (request: ApiRequest) => ApiResponse | Promise<ApiResponse>): Promise<FakeApi> {
  const requests: ApiRequest[] = [];
  const faults: Fault[] = [];
  let gate: Promise<void> | undefined;
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', async () => {
      const request = {
        method: req.method ?? 'GET',
        url: new URL(req.url ?? '/', 'http://127.0.0.1'),
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(request);
      await gate;
      let response: ApiResponse | undefined;
      for (const [index, fault] of faults.entries()) {
        response = fault(request);
        if (response === undefined) continue;
        faults.splice(index, 1);
        break;
      }
      response ??= await handle(request);
      const text = response.body === undefined ? '' : JSON.stringify(response.body);
      res.writeHead(response.status, { 'content-type': 'application/json; charset=utf-8', ...response.headers });
      res.end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    inject: (fault) => faults.push(fault),
    hold() {
      let release: () => void = () => {};
      gate = new Promise<void>((resolve) => {
        release = resolve;
      });
      return () => {
        gate = undefined;
        release();
      };
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The bearer token of a request (`Authorization: Bearer …`), if any. */
export function bearer(request: ApiRequest): string | undefined {
  const header = request.headers.authorization;
  const match = /^(?:Bearer|token) (.+)$/i.exec(header ?? '');
  return match?.[1];
}

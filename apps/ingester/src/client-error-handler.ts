import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { Logger } from '@hookline/runtime';

/** What Node's HTTP parser or timers refused, as the contract's status and error code. */
function verdictOf(code: string | undefined): { status: number; code: string; message: string } {
  switch (code) {
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return { status: 408, code: 'request_timeout', message: 'the request did not arrive in time' };
    case 'HPE_HEADER_OVERFLOW':
      return { status: 431, code: 'headers_too_large', message: 'the request headers are too large' };
    default:
      return { status: 400, code: 'bad_request', message: 'the request is not valid HTTP' };
  }
}

/**
 * Answers requests Node refuses before Fastify sees them (malformed HTTP, oversized headers,
 * slow clients) in the contract's error shape, then drops the connection: its framing can no
 * longer be trusted.
 */
export function clientErrorHandler(logger: Logger) {
  return (error: Error & { code?: string }, socket: Socket): void => {
    if (error.code === 'ECONNRESET' || socket.destroyed) return;
    const verdict = verdictOf(error.code);
    logger.debug({ code: error.code, status: verdict.status }, 'client error');
    if (socket.writable) {
      const body = JSON.stringify({ error: { code: verdict.code, message: verdict.message } });
      socket.write(
        `HTTP/1.1 ${verdict.status} ${STATUS_CODES[verdict.status]}\r\nconnection: close\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      );
    }
    socket.destroy();
  };
}

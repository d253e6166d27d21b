import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { HttpError } from '@hookline/core';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** What a request is answered with when it fails: the status and the contract's `{"error":{"code","message"}}`. */
export interface ContractError {
  readonly statusCode: number;
  readonly code: string;
  readonly message: string;
  readonly retryAfterSeconds?: number | undefined;
}

/** Fastify's own errors, by their code, as the contract's. Any other 4xx of Fastify's is `bad_request`. */
const FASTIFY_ERRORS: Readonly<Record<string, Omit<ContractError, 'message'>>> = {
  FST_ERR_CTP_BODY_TOO_LARGE: { statusCode: 413, code: 'payload_too_large' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { statusCode: 415, code: 'unsupported_media_type' },
};

/** What Node's HTTP parser or timers refuse before Fastify sees a request. Anything else is `bad_request`. */
const NODE_CLIENT_ERRORS: Readonly<Record<string, ContractError>> = {
  ERR_HTTP_REQUEST_TIMEOUT: { statusCode: 408, code: 'request_timeout', message: 'the request did not arrive in time' },
  HPE_HEADER_OVERFLOW: { statusCode: 431, code: 'headers_too_large', message: 'the request headers are too large' },
};
const MALFORMED_HTTP: ContractError = { statusCode: 400, code: 'bad_request', message: 'the request is not valid HTTP' };

const FIXED_MESSAGES: Readonly<Record<string, string>> = {
  payload_too_large: 'the body exceeds the size limit',
};

export function errorBody(code: string, message: string) {
  return { error: { code, message } };
}

/**
 * The one table from an error to what the client is told; `undefined` for an error no
 * client caused (a bug, a dependency failing): answered 500 with a generic body and logged.
 */
export function toContractError(error: FastifyError): ContractError | undefined {
  if (error instanceof HttpError) return error;
  if (error.validation !== undefined) {
    const problems = error.validation.map(
      (issue) => `${issue.instancePath.slice(1).replaceAll('/', '.') || '(root)'}: ${issue.message}`,
    );
    return { statusCode: 400, code: 'invalid_request', message: `${error.validationContext}: ${problems.join('; ')}` };
  }
  const known = FASTIFY_ERRORS[error.code];
  if (known !== undefined) return { ...known, message: FIXED_MESSAGES[known.code] ?? error.message };
  const status = error.statusCode ?? 500;
  if (status >= 400 && status < 500) return { statusCode: status, code: 'bad_request', message: error.message };
  return undefined;
}

export interface ErrorContractOptions {
  /** Told the code of every error answered (the ingester labels its metrics with it). */
  readonly onError?: (request: FastifyRequest, code: string) => void;
}

/** Sends a contract error, with `Retry-After` when it asks for one. */
export function sendError(reply: FastifyReply, error: ContractError, options: ErrorContractOptions = {}) {
  options.onError?.(reply.request, error.code);
  if (error.retryAfterSeconds !== undefined) reply.header('retry-after', String(error.retryAfterSeconds));
  return reply.status(error.statusCode).send(errorBody(error.code, error.message));
}

/**
 * Every error an HTTP role answers, in the contract's shape: its own `HttpError`s, Fastify's
 * (413, 415, bad JSON, schema validation), unknown routes (404) and errors raised while routing
 * (an undecodable URL: 400). Nothing a client does yields a 500 or a body of another shape.
 * Installed on the root instance, so it also covers every encapsulated route plugin.
 */
export function installErrorContract(app: FastifyInstance, options: ErrorContractOptions = {}): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const contract = toContractError(error);
    if (contract === undefined) {
      request.log.error({ err: error }, 'unexpected error');
      return sendError(reply, { statusCode: 500, code: 'internal_error', message: 'internal error' }, options);
    }
    if (contract.statusCode >= 500) {
      const detail = 'detail' in error ? error.detail : error.message;
      request.log.warn({ code: contract.code, err: detail }, 'answering 5xx');
    }
    return sendError(reply, contract, options);
  });
  app.setNotFoundHandler((request, reply) =>
    sendError(
      reply,
      { statusCode: 404, code: 'not_found', message: `no route for ${request.method} ${request.url.split('?')[0]}` },
      options,
    ),
  );
}

/** Fastify's `frameworkErrors` option: what fails before a route runs (an undecodable URL) is a 400. */
export function frameworkErrors(options: ErrorContractOptions = {}) {
  return (error: Error, _request: FastifyRequest, reply: FastifyReply) =>
    sendError(reply, { statusCode: 400, code: 'bad_request', message: error.message }, options);
}

/**
 * Fastify's `clientErrorHandler` option: answers requests Node refuses before Fastify sees them
 * (malformed HTTP, oversized headers, slow clients) in the contract's shape, then drops the
 * connection: its framing can no longer be trusted. Not counted in any route's metrics.
 */
export function clientErrorHandler(logger: { debug(details: object, message: string): void }) {
  return (error: Error & { code?: string }, socket: Socket): void => {
    if (error.code === 'ECONNRESET' || socket.destroyed) return;
    const verdict = NODE_CLIENT_ERRORS[error.code ?? ''] ?? MALFORMED_HTTP;
    logger.debug({ code: error.code, status: verdict.statusCode }, 'client error');
    if (socket.writable) {
      const body = JSON.stringify(errorBody(verdict.code, verdict.message));
      socket.write(
        `HTTP/1.1 ${verdict.statusCode} ${STATUS_CODES[verdict.statusCode]}\r\nconnection: close\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      );
    }
    socket.destroy();
  };
}

import { QueueUnavailableError } from '@hookline/queue';
import { HttpError } from '@hookline/runtime';
import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';

/** Seconds a sender is asked to wait before retrying when Redis cannot take the event. */
export const RETRY_AFTER_SECONDS = 5;

declare module 'fastify' {
  interface FastifyRequest {
    /** What the delivery came to (accepted, duplicate, or an error code): the metrics label. */
    outcome: string;
  }
}

function send(reply: FastifyReply, statusCode: number, code: string, message: string) {
  reply.request.outcome = code;
  return reply.status(statusCode).send({ error: { code, message } });
}

/** Errors raised while routing, before any handler (an undecodable URL): 400 in the contract shape. */
export function answerFrameworkError(error: Error, reply: FastifyReply) {
  return send(reply, 400, 'bad_request', error.message);
}

/** Maps every error to the contract's `{"error":{"code","message"}}`; nothing a sender does yields a 500. */
export function installErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof HttpError) return send(reply, error.statusCode, error.code, error.message);
    if (error instanceof QueueUnavailableError) {
      request.log.warn({ err: error.message }, 'queue unavailable, answering 503');
      reply.header('retry-after', String(RETRY_AFTER_SECONDS));
      return send(reply, 503, 'queue_unavailable', 'the queue is unavailable; retry later');
    }
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return send(reply, 413, 'payload_too_large', 'the body exceeds the size limit');
    }
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      return send(reply, status, status === 415 ? 'unsupported_media_type' : 'bad_request', error.message);
    }
    request.log.error({ err: error }, 'unexpected error');
    return send(reply, 500, 'internal_error', 'internal error');
  });

  app.setNotFoundHandler((request, reply) =>
    send(reply, 404, 'not_found', `no route for ${request.method} ${request.url.split('?')[0]}`),
  );
}

import { QueueUnavailableError } from '@hookline/queue';
import { HttpError } from '@hookline/runtime';
import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';

function send(reply: FastifyReply, statusCode: number, code: string, message: string) {
  return reply.status(statusCode).send({ error: { code, message } });
}

/** Maps every error to the contract's `{"error":{"code","message"}}`. */
export function installErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof HttpError) return send(reply, error.statusCode, error.code, error.message);
    if (hasZodFastifySchemaValidationErrors(error)) {
      const problems = error.validation.map(
        (issue) => `${issue.instancePath.slice(1).replaceAll('/', '.') || '(root)'}: ${issue.message}`,
      );
      return send(reply, 400, 'invalid_request', `${error.validationContext}: ${problems.join('; ')}`);
    }
    if (error instanceof QueueUnavailableError) {
      reply.header('retry-after', '5');
      return send(reply, 503, 'queue_unavailable', 'the queue is unavailable; retry later');
    }
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) return send(reply, status, 'bad_request', error.message);
    request.log.error({ err: error }, 'unexpected error');
    return send(reply, 500, 'internal_error', 'internal error');
  });
  app.setNotFoundHandler((request, reply) =>
    send(reply, 404, 'not_found', `no route for ${request.method} ${request.url.split('?')[0]}`),
  );
}

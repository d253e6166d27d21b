import { sendError } from '@hookline/runtime';
import type { FastifyInstance, FastifyRequest } from 'fastify';

declare module 'fastify' {
  interface FastifyRequest {
    /** The name of the admin token the request presented: the audit trail's "who". */
    operator: string;
    /** True for a viewer token: pages leave out the buttons it may not use. */
    viewer: boolean;
  }
}

/** Routes anyone may call: liveness only, so an orchestrator can probe without a secret. */
const OPEN_ROUTES = new Set(['/healthz']);

/** What a viewer token may do: read. */
const READ_METHODS = new Set(['GET', 'HEAD']);

/** The token of `Authorization: Bearer <token>`, or the password of `Authorization: Basic …` (browsers). */
function presentedToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (header === undefined) return undefined;
  const [scheme, value = ''] = header.split(' ', 2);
  if (scheme?.toLowerCase() === 'bearer') return value.trim();
  if (scheme?.toLowerCase() === 'basic') {
    const decoded = Buffer.from(value.trim(), 'base64').toString('utf8');
    const separator = decoded.indexOf(':');
    return separator === -1 ? undefined : decoded.slice(separator + 1);
  }
  return undefined;
}

/**
 * Every route but `/healthz` needs a known token. Installed on the root instance so it also
 * guards unknown URLs: without a token even a 404 is a 401, and nothing about the routes leaks.
 */
export function installAuth(
  app: FastifyInstance,
  identify: (token: string) => string | undefined,
  viewers: ReadonlySet<string> = new Set(),
): void {
  app.decorateRequest('operator', '');
  app.decorateRequest('viewer', false);
  app.addHook('onRequest', async (request, reply) => {
    // The matched route, not the raw URL: no spelling of a path can reach another route unguarded.
    if (OPEN_ROUTES.has(request.routeOptions.url ?? '')) return;
    const token = presentedToken(request);
    const operator = token === undefined ? undefined : identify(token);
    if (operator === undefined) {
      // The challenge makes a browser ask for credentials: any user name, the token as password.
      // Answered here rather than thrown: Bull Board's routes have an error handler of their own.
      reply.header('www-authenticate', 'Basic realm="Hookline admin", charset="UTF-8"');
      return sendError(reply, {
        statusCode: 401,
        code: 'unauthorized',
        message: 'a valid admin token is required (Bearer, or Basic with the token as password)',
      });
    }
    if (viewers.has(operator) && !READ_METHODS.has(request.method)) {
      return sendError(reply, { statusCode: 403, code: 'read_only', message: `the token of "${operator}" may only read` });
    }
    request.operator = operator;
    request.viewer = viewers.has(operator);
  });
}

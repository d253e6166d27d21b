import { sendError } from '@hookline/runtime';
import type { FastifyInstance, FastifyRequest } from 'fastify';

/** Methods that change something: the ones a page on another site must not be able to send. */
const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Where the JSON API lives; Bull Board's routes (under /queues) send JSON bodies of their own. */
const API_PREFIX = '/api/';

/**
 * Sent on every answer: no page may frame the admin (clickjacking its buttons), no answer is
 * read as another type than declared, and no answer (events, payloads) stays in a cache.
 */
const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': "frame-ancestors 'none'",
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'cache-control': 'no-store',
};

/**
 * Whether a browser says the request comes from another site: `Sec-Fetch-Site` (every current
 * browser sends it), else an `Origin` that is not this admin's own. `same-site` counts as
 * foreign: another port or subdomain of the same site is another application. A request
 * without either header is not from a page (curl, scripts): the token is its whole protection.
 */
function fromAnotherSite(request: FastifyRequest): boolean {
  const site = request.headers['sec-fetch-site'];
  if (site === 'cross-site' || site === 'same-site') return true;
  const origin = request.headers.origin;
  if (origin === undefined) return false;
  try {
    // Host, not scheme: behind a TLS-terminating proxy the admin itself sees plain HTTP. Read
    // through URL with the origin's scheme, so `host:80` and `host` are the same for http.
    const from = new URL(origin);
    return from.host !== new URL(`${from.protocol}//${request.headers.host ?? ''}`).host;
  } catch {
    return true; // `Origin: null` (a sandboxed frame, a file) or garbage
  }
}

/** Whether the body of a JSON API call is JSON, counting no body at all as JSON. */
function isJsonOrEmpty(request: FastifyRequest): boolean {
  const type = request.headers['content-type'];
  if (type === undefined) {
    const length = request.headers['content-length'];
    return request.headers['transfer-encoding'] === undefined && (length === undefined || length === '0');
  }
  return type.split(';')[0]?.trim().toLowerCase() === 'application/json';
}

/**
 * Cross-site protection for the admin. Browsers resend cached basic-auth credentials on a
 * cross-site form POST, and `<form enctype="text/plain">` needs no CORS preflight: any page
 * could otherwise make an operator's browser retry failed jobs or override a status. So every
 * state-changing request from another site is refused with 403 `forbidden_origin` (Bull Board's
 * too), the JSON API's changes take only `application/json` (415 `unsupported_media_type`, a
 * type no form can send), and every answer carries `SECURITY_HEADERS`. Installed before the
 * auth hook: a foreign page's request is refused before any credential is asked for.
 * Answered here rather than thrown: Bull Board's routes have an error handler of their own.
 */
export function installCrossSiteProtection(app: FastifyInstance): void {
  app.addHook('onRequest', async (request, reply) => {
    if (!STATE_CHANGING.has(request.method)) return;
    if (fromAnotherSite(request)) {
      return sendError(reply, {
        statusCode: 403,
        code: 'forbidden_origin',
        message: 'changes are accepted only from the admin itself, not from another site',
      });
    }
    if ((request.routeOptions.url ?? '').startsWith(API_PREFIX) && !isJsonOrEmpty(request)) {
      return sendError(reply, {
        statusCode: 415,
        code: 'unsupported_media_type',
        message: 'the API takes application/json bodies only',
      });
    }
  });
  app.addHook('onSend', async (_request, reply, payload) => {
    reply.headers(SECURITY_HEADERS);
    return payload;
  });
}

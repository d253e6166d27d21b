import rateLimit from '@fastify/rate-limit';
import { HttpError, prepareEvent, type SourcesConfig } from '@hookline/core';
import type { Enqueuer } from '@hookline/queue';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { IngesterMetrics } from '../metrics.js';
import { SourceWindowStore } from '../rate-limit-store.js';

export interface WebhookRoutesOptions {
  readonly config: SourcesConfig;
  readonly enqueuer: Enqueuer;
  readonly bodyLimit: number;
  readonly now: () => number;
  readonly metrics: IngesterMetrics;
}

const ROUTE = '/webhooks/:source';
const sourceOf = (request: FastifyRequest) => (request.params as { source: string }).source;

/**
 * The URL the sender posted to, which Twilio and Square sign: the source's configured public URL
 * (behind a TLS-terminating proxy the request alone cannot tell) plus the request's query string.
 */
function addressedUrl(request: FastifyRequest, publicUrl: string | undefined): string {
  if (publicUrl === undefined) return `${request.protocol}://${request.host}${request.url}`;
  const query = request.url.indexOf('?');
  return query < 0 ? publicUrl : `${publicUrl}${request.url.slice(query)}`;
}

/** `POST /webhooks/:source`: verify, extract, enqueue, acknowledge. */
export const webhookRoutes: FastifyPluginAsync<WebhookRoutesOptions> = async (app, options) => {
  const limitOf = (name: string) => options.config.sources.get(name)?.rateLimit;
  // Only when some source has a limit: otherwise the hook would run on every delivery for nothing.
  const limited = [...options.config.sources.values()].some((source) => source.rateLimit !== undefined);
  if (limited) {
    // Counted before the body is read, so a runaway sender costs neither bandwidth nor Redis.
    // Per process: a limit needs no Redis round trip and still holds while Redis is away.
    await app.register(rateLimit, {
      global: false,
      store: SourceWindowStore,
      keyGenerator: sourceOf,
      allowList: (_request, key) => limitOf(key) === undefined,
      max: async (_request, key) => limitOf(key)?.max ?? Number.POSITIVE_INFINITY,
      timeWindow: async (_request, key) => (limitOf(key)?.windowSeconds ?? 1) * 1000,
      addHeadersOnExceeding: { 'x-ratelimit-limit': false, 'x-ratelimit-remaining': false, 'x-ratelimit-reset': false },
      errorResponseBuilder: (_request, context) =>
        new HttpError(429, 'rate_limited', `more than ${context.max} deliveries in ${context.after}; retry later`),
    });
  }

  // Every content type is kept as the exact bytes received: verification must see what the
  // sender signed, and JSON is parsed only after it passed. Scoped to this plugin.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: options.bodyLimit }, (_request, body, done) => {
    done(null, body);
  });

  const { metrics } = options;
  app.addHook('onResponse', async (request, reply) => {
    // Unknown names are folded into one label: senders must not be able to grow the series count.
    const source = options.config.sources.has(sourceOf(request)) ? sourceOf(request) : 'unknown';
    metrics.requests.inc({ source, outcome: request.outcome || String(reply.statusCode) });
    metrics.ackDuration.observe({ source }, reply.elapsedTime / 1000);
  });

  app.route({
    method: ['GET', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
    url: ROUTE,
    handler: async (_request, reply) => {
      reply.header('allow', 'POST');
      throw new HttpError(405, 'method_not_allowed', 'webhooks are delivered with POST');
    },
  });

  app.post<{ Params: { source: string } }>(ROUTE, { config: limited ? { rateLimit: {} } : {} }, async (request, reply) => {
    const source = options.config.sources.get(request.params.source);
    if (source === undefined) {
      throw new HttpError(404, 'unknown_source', `no source named "${request.params.source}"`);
    }
    const rawBody = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    const prepared = prepareEvent(source, {
      headers: request.headers,
      rawBody,
      query: request.query as Record<string, unknown>,
      url: addressedUrl(request, source.url),
      method: request.method,
      receivedAt: options.now(),
    });
    if (!prepared.ok) {
      request.log.info({ source: source.name, reason: prepared.code }, 'delivery rejected');
      throw new HttpError(prepared.status, prepared.code, prepared.message);
    }
    metrics.signatureMatches.inc({ source: source.name, secret_index: String(prepared.secretIndex) });
    if (prepared.kind === 'handshake') {
      // Verified, answered, and not an event: nothing is queued or stored.
      request.outcome = 'handshake';
      request.log.info({ source: source.name }, 'handshake answered');
      // A text reply (Twitch's challenge) is sent as the bare text, as the sender requires.
      if (typeof prepared.reply === 'string') reply.type('text/plain; charset=utf-8');
      return prepared.reply;
    }
    const { event } = prepared;
    const stopTimer = metrics.enqueueDuration.startTimer();
    const outcome = await options.enqueuer.enqueue(event, prepared.replayMark);
    stopTimer();
    request.outcome = outcome;
    request.log.debug({ source: source.name, eventId: event.eventId, outcome }, 'delivery acknowledged');
    return { status: outcome, source: source.name, eventId: event.eventId };
  });
};

import rateLimit from '@fastify/rate-limit';
import underPressure from '@fastify/under-pressure';
import { HttpError, prepareEvent, type SourcesConfig } from '@hookline/core';
import type { Enqueuer } from '@hookline/queue';
import { inSpan, SPAN_ATTRIBUTES, type Tracing } from '@hookline/runtime';
import { SpanKind } from '@opentelemetry/api';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { inFlightLimit, overloadedError, shedAnswer } from '../in-flight-limit.js';
import type { IngesterMetrics } from '../metrics.js';
import { SourceWindowStore } from '../rate-limit-store.js';

export interface WebhookRoutesOptions {
  readonly config: SourcesConfig;
  readonly enqueuer: Enqueuer;
  readonly bodyLimit: number;
  readonly now: () => number;
  readonly metrics: IngesterMetrics;
  /** Deliveries handled at once; past it, 503 `overloaded` at once. */
  readonly maxInFlight: number;
  /** Mean event-loop delay past which every delivery is shed (0: never). */
  readonly maxEventLoopDelayMs: number;
  readonly tracing: Tracing;
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

function refuse(ttlSeconds: number, message: string): never {
  throw new HttpError(429, 'rate_limited', message, { retryAfterSeconds: Math.max(1, ttlSeconds) });
}

/** `POST /webhooks/:source`: verify, extract, enqueue, acknowledge. */
export const webhookRoutes: FastifyPluginAsync<WebhookRoutesOptions> = async (app, options) => {
  const limitOf = (name: string) => options.config.sources.get(name)?.rateLimit;
  const limits = {
    allowList: (request: FastifyRequest) => limitOf(sourceOf(request)) === undefined,
    max: (request: FastifyRequest) => limitOf(sourceOf(request))?.max ?? Number.POSITIVE_INFINITY,
    timeWindow: (request: FastifyRequest) => (limitOf(sourceOf(request))?.windowSeconds ?? 1) * 1000,
  };
  // Per process: a limit needs no Redis round trip and still holds while Redis is away.
  await app.register(rateLimit, { global: false });
  // A source's quota counts verified deliveries only: a stranger without the secret cannot use
  // it up and have the real sender's deliveries refused.
  const verifiedLimit = app.createRateLimit({ ...limits, store: SourceWindowStore, keyGenerator: sourceOf });
  // Strangers are limited by address instead, to the same rate, checked before the body is read
  // (so a flood of forgeries costs no bandwidth or HMAC) and counted when verification fails.
  // The default store is an LRU of 5,000 addresses: memory stays bounded whatever the flood.
  const unverifiedLimit = app.createRateLimit({ ...limits, keyGenerator: (request) => `${sourceOf(request)} ${request.ip}` });

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

  const unverifiedCheck = async (request: FastifyRequest) => {
    const limit = await unverifiedLimit(request, { increment: false });
    if (!limit.isAllowed && limit.remaining === 0) {
      refuse(limit.ttlInSeconds, `more than ${limit.max} unverified deliveries from this address; retry later`);
    }
  };

  if (options.maxEventLoopDelayMs > 0) {
    // A saturated process queues deliveries in the kernel, before any hook can count them: when
    // its event loop lags, everything arriving is shed until it catches up. Scoped to this
    // plugin, so probes and metrics are still answered.
    const shed = overloadedError('the ingester is saturated; retry later');
    // The plugin sends what this returns as the body (its typings say void; undefined would let
    // the delivery through). Not thrown: the error handler logs every 5xx, and a shed answer
    // must stay cheap.
    const answerShed = (request: FastifyRequest, reply: FastifyReply) => shedAnswer(request, reply, shed);
    await app.register(underPressure, {
      maxEventLoopDelay: options.maxEventLoopDelayMs,
      sampleInterval: 100,
      pressureHandler: answerShed as unknown as (request: FastifyRequest, reply: FastifyReply) => void,
    });
  }

  // Shedding first: it is the cheapest answer, and the one that must stay cheap under a flood.
  // Without a limited source the limiters would only allow every delivery, two async calls each.
  const anyLimited = [...options.config.sources.values()].some((source) => source.rateLimit !== undefined);
  const onRequest = [inFlightLimit(options.maxInFlight, metrics.inFlight), ...(anyLimited ? [unverifiedCheck] : [])];
  const { tracing } = options;
  app.post<{ Params: { source: string } }>(ROUTE, { onRequest }, async (request, reply) => {
    const source = options.config.sources.get(request.params.source);
    if (source === undefined) {
      throw new HttpError(404, 'unknown_source', `no source named "${request.params.source}"`);
    }
    // One trace per event: it starts here, under the sender's `traceparent` when it sent one.
    const parent = tracing.extract(request.headers);
    const attributes = { [SPAN_ATTRIBUTES.source]: source.name };
    return inSpan(tracing, 'hookline.ingest', parent, { kind: SpanKind.SERVER, attributes }, async (span, context) => {
      const rawBody = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const prepared = inSpan(tracing, 'hookline.verify', context, { attributes }, () =>
        prepareEvent(source, {
          headers: request.headers,
          rawBody,
          query: request.query as Record<string, unknown>,
          url: addressedUrl(request, source.url),
          method: request.method,
          receivedAt: options.now(),
        }),
      );
      // A 401 is a failed verification: what a stranger without the secret gets.
      const verified = prepared.ok || prepared.status !== 401;
      const limit = source.rateLimit === undefined ? undefined : await (verified ? verifiedLimit : unverifiedLimit)(request);
      if (!prepared.ok) {
        span.setAttribute(SPAN_ATTRIBUTES.outcome, prepared.code);
        request.log.info({ source: source.name, reason: prepared.code }, 'delivery rejected');
        throw new HttpError(prepared.status, prepared.code, prepared.message);
      }
      if (limit !== undefined && !limit.isAllowed && limit.isExceeded) {
        refuse(limit.ttlInSeconds, `more than ${limit.max} deliveries in ${limit.timeWindow / 1000} s; retry later`);
      }
      metrics.signatureMatches.inc({ source: source.name, secret_index: String(prepared.secretIndex) });
      if (prepared.kind === 'handshake') {
        // Verified, answered, and not an event: nothing is queued or stored.
        request.outcome = 'handshake';
        span.setAttribute(SPAN_ATTRIBUTES.outcome, 'handshake');
        request.log.info({ source: source.name }, 'handshake answered');
        // A text reply (Twitch's challenge) is sent as the bare text, as the sender requires.
        if (typeof prepared.reply === 'string') reply.type('text/plain; charset=utf-8');
        return prepared.reply;
      }
      const { event } = prepared;
      span.setAttributes({
        [SPAN_ATTRIBUTES.eventId]: event.eventId,
        ...(event.eventType !== null && { [SPAN_ATTRIBUTES.eventType]: event.eventType }),
      });
      const stopTimer = metrics.enqueueDuration.startTimer();
      const outcome = await inSpan(tracing, 'hookline.enqueue', context, { kind: SpanKind.PRODUCER, attributes }, () => {
        // The worker continues this trace: its spans are children of this one.
        const trace = tracing.inject(context);
        return options.enqueuer.enqueue(trace === undefined ? event : { ...event, trace }, prepared.replayMark);
      });
      stopTimer();
      request.outcome = outcome;
      span.setAttributes({ [SPAN_ATTRIBUTES.outcome]: outcome, [SPAN_ATTRIBUTES.duplicate]: outcome === 'duplicate' });
      request.log.debug({ source: source.name, eventId: event.eventId, outcome }, 'delivery acknowledged');
      return { status: outcome, source: source.name, eventId: event.eventId };
    });
  });
};

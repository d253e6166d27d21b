import { prepareEvent, type SourcesConfig } from '@hookline/core';
import type { Enqueuer } from '@hookline/queue';
import type { FastifyPluginAsync } from 'fastify';
import { HttpError } from '../http-error.js';
import type { IngesterMetrics } from '../metrics.js';

export interface WebhookRoutesOptions {
  readonly config: SourcesConfig;
  readonly enqueuer: Enqueuer;
  readonly bodyLimit: number;
  readonly now: () => number;
  readonly metrics: IngesterMetrics;
}

/** `POST /webhooks/:source`: verify, extract, enqueue, acknowledge. */
export const webhookRoutes: FastifyPluginAsync<WebhookRoutesOptions> = async (app, options) => {
  // Every content type is kept as the exact bytes received: verification must see what the
  // sender signed, and JSON is parsed only after it passed. Scoped to this plugin.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: options.bodyLimit }, (_request, body, done) => {
    done(null, body);
  });

  const { metrics } = options;
  app.addHook('onResponse', async (request, reply) => {
    // Unknown names are folded into one label: senders must not be able to grow the series count.
    const source = options.config.sources.has((request.params as { source: string }).source)
      ? (request.params as { source: string }).source
      : 'unknown';
    metrics.requests.inc({ source, outcome: request.outcome || String(reply.statusCode) });
    metrics.ackDuration.observe({ source }, reply.elapsedTime / 1000);
  });

  app.post<{ Params: { source: string } }>('/webhooks/:source', async (request) => {
    const source = options.config.sources.get(request.params.source);
    if (source === undefined) {
      throw new HttpError(404, 'unknown_source', `no source named "${request.params.source}"`);
    }
    const rawBody = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    const prepared = prepareEvent(source, {
      headers: request.headers,
      rawBody,
      query: request.query as Record<string, unknown>,
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
      return prepared.reply;
    }
    const { event } = prepared;
    const stopTimer = metrics.enqueueDuration.startTimer();
    const outcome = await options.enqueuer.enqueue(event);
    stopTimer();
    request.outcome = outcome;
    request.log.debug({ source: source.name, eventId: event.eventId, outcome }, 'delivery acknowledged');
    return { status: outcome, source: source.name, eventId: event.eventId };
  });
};

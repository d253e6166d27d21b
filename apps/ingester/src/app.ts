import type { SourcesConfig } from '@hookline/core';
import type { Enqueuer } from '@hookline/queue';
import type { Logger } from '@hookline/runtime';
import {
  clientErrorHandler,
  closeIdleConnectionsWhileClosing,
  type ErrorContractOptions,
  frameworkErrors,
  healthRoutes,
  installErrorContract,
  noTracing,
  type Tracing,
} from '@hookline/runtime';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import { internalRoutes } from './internal-app.js';
import { createIngesterMetrics, type IngesterMetrics } from './metrics.js';
import { webhookRoutes } from './routes/webhooks.js';

export interface IngesterDeps {
  readonly config: SourcesConfig;
  readonly enqueuer: Enqueuer;
  readonly logger: Logger;
  /** Largest body accepted, in bytes (413 above it). */
  readonly bodyLimit?: number;
  /** Longest a request may take to arrive, headers and body (408 past it). */
  readonly requestTimeoutMs?: number;
  readonly now?: () => number;
  readonly metrics?: IngesterMetrics;
  /**
   * False when `/metrics` and `/readyz` are served by `buildInternalApp` on a port of their own
   * (`HOOKLINE_METRICS_PORT`): the public port then answers only `/webhooks/*` and `/healthz`.
   */
  readonly internalRoutes?: boolean;
  /** Fastify's `trustProxy`: whose `X-Forwarded-For` gives the client address the limits key on. */
  readonly trustProxy?: boolean | readonly string[];
  /** Deliveries handled at once (`HOOKLINE_MAX_IN_FLIGHT`); past it, 503 `overloaded` at once. */
  readonly maxInFlight?: number;
  /** Mean event-loop delay (ms) past which every delivery is shed (`HOOKLINE_MAX_EVENT_LOOP_DELAY_MS`; 0: never). */
  readonly maxEventLoopDelayMs?: number;
  /** Spans of each delivery; off unless the role was given a tracer. */
  readonly tracing?: Tracing;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** What the delivery came to (accepted, duplicate, or an error code): the metrics label. */
    outcome: string;
  }
}

/** Every error answered is counted under its code. */
const recordOutcome: ErrorContractOptions = {
  onError: (request, code) => {
    request.outcome = code;
  },
};

export const DEFAULT_BODY_LIMIT = 1024 * 1024;
export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;
export const DEFAULT_MAX_IN_FLIGHT = 1000;
export const DEFAULT_MAX_EVENT_LOOP_DELAY_MS = 500;

/** The ingester's HTTP app, not yet listening: tests call `inject` on it. */
export async function buildApp(deps: IngesterDeps): Promise<FastifyInstance> {
  const bodyLimit = deps.bodyLimit ?? DEFAULT_BODY_LIMIT;
  const requestTimeout = deps.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const app = Fastify({
    // pino's Logger is a FastifyBaseLogger; the cast keeps the app's default generic types.
    loggerInstance: deps.logger as FastifyBaseLogger,
    // One log line per request would cost more than the ingest itself; outcomes are logged instead.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit,
    trustProxy: typeof deps.trustProxy === 'object' ? [...deps.trustProxy] : (deps.trustProxy ?? false),
    // During close, a request read from a connection still open (kept alive, or pipelined) is
    // served as usual, with `Connection: close`: Redis stays open until the close has finished.
    // Fastify's 503 here would bypass the error contract (another body, no Retry-After).
    return503OnClosing: false,
    // A slow sender holds a socket and memory: past the timeout it gets 408. Node checks
    // for expired requests every 30 s unless told otherwise, which would triple the wait.
    requestTimeout,
    http: { requestTimeout, headersTimeout: requestTimeout, connectionsCheckingInterval: Math.min(1000, requestTimeout) },
    clientErrorHandler: clientErrorHandler(deps.logger),
    frameworkErrors: frameworkErrors(recordOutcome),
  });
  const metrics = deps.metrics ?? createIngesterMetrics();
  app.decorateRequest('outcome', '');
  installErrorContract(app, recordOutcome);
  closeIdleConnectionsWhileClosing(app);
  if (deps.internalRoutes === false) {
    await app.register(healthRoutes, {});
  } else {
    await app.register(internalRoutes, { registry: metrics.registry, isReady: () => deps.enqueuer.isReady() });
  }
  await app.register(webhookRoutes, {
    config: deps.config,
    enqueuer: deps.enqueuer,
    bodyLimit,
    now: deps.now ?? Date.now,
    tracing: deps.tracing ?? noTracing(),
    metrics,
    maxInFlight: deps.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT,
    maxEventLoopDelayMs: deps.maxEventLoopDelayMs ?? DEFAULT_MAX_EVENT_LOOP_DELAY_MS,
  });
  return app;
}

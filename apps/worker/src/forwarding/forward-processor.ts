import {
  type AttemptVerdict,
  type BackoffPolicy,
  buildEnvelope,
  judgeAttempt,
  payloadText,
  type SourcesConfig,
} from '@hookline/core';
import {
  type AttemptOutcome,
  type Database,
  failForward,
  finishForwardAttempt,
  loadForward,
  reopenFailedForward,
  startForwardAttempt,
} from '@hookline/db';
import { type ForwardJob, forwardJobSchema } from '@hookline/queue';
import { inSpan, type Logger, SPAN_ATTRIBUTES, type Tracing } from '@hookline/runtime';
import { SpanKind } from '@opentelemetry/api';
import { DelayedError, type Job, UnrecoverableError } from 'bullmq';
import type { WorkerMetrics } from '../metrics.js';
import { createOutageParking } from '../outage-parking.js';
import type { CircuitBreaker } from './circuit-breaker.js';
import { describeDestination, findDestination } from './destinations.js';
import { sendForward } from './send-forward.js';

export interface ForwardDeps {
  readonly db: Database;
  readonly config: SourcesConfig;
  readonly breaker: CircuitBreaker;
  readonly logger: Logger;
  readonly metrics: WorkerMetrics;
  readonly backoff: BackoffPolicy;
  readonly tracing: Tracing;
}

export type ForwardOutcome =
  | { readonly kind: 'delivered'; readonly attempt: number }
  | { readonly kind: 'already'; readonly state: string };

/** A send that may succeed later; carries the receiver's `Retry-After`, which the backoff honours. */
export class RetryableForwardError extends Error {
  constructor(
    message: string,
    readonly retryAfterMs: number | undefined,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

// A probe holds the half-open circuit for its timeout plus this, so a lost probe is replaced.
const PROBE_MARGIN_MS = 1000;
// While a probe is out, others look again this often rather than waiting out its whole lease.
const HALF_OPEN_POLL_MS = 1000;

function describeResult(result: Awaited<ReturnType<typeof sendForward>>): { statusCode?: number; error?: string } {
  return result.kind === 'response' ? { statusCode: result.statusCode } : { error: result.error };
}

function attemptOutcome(verdict: AttemptVerdict, lastAttempt: boolean): AttemptOutcome {
  if (verdict.kind === 'retry') return lastAttempt ? 'failed' : 'retry';
  return verdict.kind;
}

/**
 * The forwarding job: one send of one forward. The forward row decides whether a send is
 * still owed, so a job run twice (a stalled worker, a sweep) sends only while it is pending.
 * While the destination's circuit is open the job is parked without spending an attempt.
 */
export function toForwardProcessor(deps: ForwardDeps) {
  const parking = createOutageParking(deps.backoff);
  const send = sendOnce(deps);
  return async (job: Job<ForwardJob>, token?: string): Promise<ForwardOutcome> => {
    try {
      const outcome = await send(job, token);
      parking.answered();
      return outcome;
    } catch (error) {
      // The forward's row could not be read or written: wait for Postgres, keep the attempts.
      await parking.parkIfUnavailable(job, token, error, deps.logger);
      throw error;
    }
  };
}

function sendOnce(deps: ForwardDeps) {
  return async (job: Job<ForwardJob>, token?: string): Promise<ForwardOutcome> => {
    const parsed = forwardJobSchema.safeParse(job.data);
    if (!parsed.success) throw new UnrecoverableError('invalid forward job data');
    const forward = await loadForward(deps.db, parsed.data.forwardId);
    if (forward === undefined) throw new UnrecoverableError(`forward ${parsed.data.forwardId} does not exist`);
    if (forward.state === 'delivered') return { kind: 'already', state: forward.state };

    const log = deps.logger.child({
      source: forward.source,
      eventId: forward.eventId,
      messageId: forward.messageId,
      destination: describeDestination(forward.destination),
    });
    // BullMQ runs a job whose forward failed only when someone retried it from the failed set: send again.
    if (forward.state === 'failed' && (await reopenFailedForward(deps.db, forward.id))) {
      log.info('failed forward retried; sending it again');
    }
    const destination = findDestination(deps.config, forward.source, forward.destination);
    if (destination === undefined) {
      await failForward(deps.db, forward.id, 'destination is no longer configured for this source');
      log.warn('destination no longer configured; forward failed');
      throw new UnrecoverableError('destination is no longer configured for this source');
    }

    const gate = await deps.breaker.acquire(destination.url, destination.timeoutMs + PROBE_MARGIN_MS);
    if (!gate.allowed) {
      const waitMs = gate.state === 'half_open' ? Math.min(gate.waitMs, HALF_OPEN_POLL_MS) : gate.waitMs;
      // Jitter, so that parked forwards do not all come back in the same millisecond.
      await job.moveToDelayed(Date.now() + waitMs + Math.round(Math.random() * 250), token);
      deps.metrics.forwardBreakerWaits.inc();
      throw new DelayedError();
    }

    const attempt = await startForwardAttempt(deps.db, forward.id);
    if (attempt === undefined) return { kind: 'already', state: 'finished' };
    const attributes = {
      [SPAN_ATTRIBUTES.source]: forward.source,
      [SPAN_ATTRIBUTES.eventId]: forward.eventId,
      [SPAN_ATTRIBUTES.destination]: describeDestination(forward.destination),
      [SPAN_ATTRIBUTES.attempt]: attempt,
      'http.request.method': 'POST',
    };
    const parent = deps.tracing.extract(parsed.data.trace);
    return inSpan(deps.tracing, 'hookline.forward', parent, { kind: SpanKind.CLIENT, attributes }, async (span, context) => {
      const trace = deps.tracing.inject(context);
      const body = buildEnvelope({
        eventId: forward.eventId,
        source: forward.source,
        eventType: forward.eventType,
        entityId: forward.entityId,
        status: forward.entityStatus,
        transition: forward.transition,
        receivedAt: forward.receivedAt,
        replay: forward.replay,
        payloadText: payloadText(forward),
      });
      const result = await sendForward({
        url: destination.url,
        secret: destination.secret,
        messageId: forward.messageId,
        body,
        timeoutMs: destination.timeoutMs,
        ...(trace !== undefined && { trace }),
      });
      const verdict = judgeAttempt(result, Date.now());
      // Any answer but "try later" shows the destination is up, a 400 included.
      if (verdict.kind === 'retry') await deps.breaker.recordFailure(destination.url, destination.breaker);
      else await deps.breaker.recordSuccess(destination.url);

      const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      const outcome = attemptOutcome(verdict, lastAttempt);
      const details = describeResult(result);
      span.setAttributes({
        [SPAN_ATTRIBUTES.outcome]: outcome,
        ...(details.statusCode !== undefined && { 'http.response.status_code': details.statusCode }),
      });
      await finishForwardAttempt(deps.db, {
        forwardId: forward.id,
        attempt,
        outcome,
        durationMs: result.durationMs,
        ...details,
      });
      deps.metrics.forwardAttempts.inc({ outcome });
      deps.metrics.forwardDuration.observe(result.durationMs / 1000);

      if (outcome === 'delivered') {
        log.debug({ attempt, ...details }, 'delivered');
        return { kind: 'delivered', attempt };
      }
      const reason = details.error ?? `destination answered ${details.statusCode}`;
      log.warn({ attempt, outcome, ...details }, outcome === 'retry' ? 'forward attempt failed; will retry' : 'forward failed');
      if (verdict.kind === 'rejected') throw new UnrecoverableError(reason);
      throw new RetryableForwardError(reason, verdict.kind === 'retry' ? verdict.retryAfterMs : undefined);
    });
  };
}

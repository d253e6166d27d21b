import type { BackoffPolicy } from '@hookline/core';
import { recordFailedAttempt } from '@hookline/db';
import { type EventJob, eventJobSchema } from '@hookline/queue';
import { inSpan, type Logger, SPAN_ATTRIBUTES } from '@hookline/runtime';
import { SpanKind } from '@opentelemetry/api';
import { type Job, UnrecoverableError } from 'bullmq';
import type { Batcher } from './batcher.js';
import { failureMessage, isPermanentFailure } from './failure.js';
import type { ForwardEnqueuer } from './forwarding/enqueue-forwards.js';
import type { WorkerMetrics } from './metrics.js';
import { createOutageParking } from './outage-parking.js';
import type { ProcessDeps, ProcessOutcome } from './process-event.js';

export interface ProcessorDeps extends ProcessDeps {
  readonly logger: Logger;
  readonly metrics: WorkerMetrics;
  readonly batcher: Batcher;
  readonly forwards: ForwardEnqueuer;
  readonly backoff: BackoffPolicy;
}

/**
 * The BullMQ adapter around `processEvent`: validation, failure records, retry or not.
 * While Postgres is unreachable, jobs are parked with a growing delay that does not use up
 * their attempts: an outage of any length ends with every event stored, not in the failed set.
 */
export function toProcessor(deps: ProcessorDeps): (job: Job<EventJob>, token?: string) => Promise<ProcessOutcome> {
  const parking = createOutageParking(deps.backoff);
  return async (job, token) => {
    const parsed = eventJobSchema.safeParse(job.data);
    if (!parsed.success) {
      deps.logger.error({ jobId: job.id }, 'job data is not an event; failing it without retries');
      throw new UnrecoverableError(`invalid job data: ${parsed.error.issues.map((issue) => issue.message).join('; ')}`);
    }
    const event = parsed.data;
    const attributes = {
      [SPAN_ATTRIBUTES.source]: event.source,
      [SPAN_ATTRIBUTES.eventId]: event.eventId,
      ...(event.eventType !== null && { [SPAN_ATTRIBUTES.eventType]: event.eventType }),
      [SPAN_ATTRIBUTES.attempt]: job.attemptsMade + 1,
      [SPAN_ATTRIBUTES.replay]: event.replay === true,
    };
    // The ingester's span (carried in the job) is the parent: one trace per event across processes.
    const parent = deps.tracing.extract(event.trace);
    return inSpan(deps.tracing, 'hookline.process', parent, { kind: SpanKind.CONSUMER, attributes }, async (span, trace) => {
      const stopTimer = deps.metrics.processingDuration.startTimer();
      try {
        const outcome = await deps.batcher.submit(event, {
          attempt: job.attemptsMade + 1,
          ...(event.replay === true && job.id !== undefined && { replayKey: job.id }),
          ...(deps.tracing.enabled && { trace }),
        });
        parking.answered();
        // After commit, on every run: a retry after a crash here finds the event processed and enqueues what was missed.
        await deps.forwards.enqueueForEvent(event, deps.tracing.inject(trace));
        deps.metrics.processed.inc({ source: event.source, outcome: outcome.kind });
        span.setAttributes({
          [SPAN_ATTRIBUTES.outcome]: outcome.kind,
          [SPAN_ATTRIBUTES.duplicate]: outcome.kind === 'duplicate',
          ...(outcome.kind !== 'duplicate' && { [SPAN_ATTRIBUTES.transition]: outcome.transition }),
        });
        if (outcome.kind !== 'duplicate') deps.metrics.transitions.inc({ source: event.source, transition: outcome.transition });
        // A replay's receipt time is the original delivery's: its age is not pipeline latency.
        if (outcome.kind === 'stored' && !event.replay) deps.metrics.endToEnd.observe((Date.now() - event.receivedAt) / 1000);
        deps.logger.debug({ source: event.source, eventId: event.eventId, outcome }, 'event processed');
        return outcome;
      } catch (error) {
        deps.metrics.processed.inc({ source: event.source, outcome: 'failed' });
        span.setAttribute(SPAN_ATTRIBUTES.outcome, 'failed');
        const message = failureMessage(error);
        await parking.parkIfUnavailable(job, token, error, deps.logger.child({ source: event.source, eventId: event.eventId }));
        const permanent = isPermanentFailure(error);
        deps.logger.warn(
          { source: event.source, eventId: event.eventId, attempt: job.attemptsMade + 1, permanent, err: message },
          'event processing failed',
        );
        // Best effort: with Postgres down this fails too, and the job's own record suffices.
        await recordFailedAttempt(deps.db, event, message).catch(() => {});
        if (permanent) throw new UnrecoverableError(message);
        throw error;
      } finally {
        stopTimer();
      }
    });
  };
}

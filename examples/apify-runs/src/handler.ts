import { defineHandler } from '@hookline/handler';
import { sql } from 'drizzle-orm';
import { apifyRuns } from './apify-runs-table.js';

/** The part of Apify's default run-webhook payload this handler reads. */
export interface ApifyRunWebhook {
  readonly eventType: string;
  readonly resource: {
    readonly id: string;
    readonly actId: string;
    readonly status: string;
    readonly defaultDatasetId?: string;
    readonly finishedAt?: string | null;
  };
}

/**
 * Keeps `apify_runs` in step with each run's status. Hookline runs this once per event, in
 * the transaction that applies the event's status transition, so:
 * - a duplicate delivery never reaches it (the event is already processed);
 * - a late, out-of-order event (RUNNING after SUCCEEDED) arrives with a transition other
 *   than `applied`, and is skipped: the row only ever moves forward, like Hookline's own;
 * - if the upsert fails, the event is not marked processed either, and both are retried.
 */
export default defineHandler<ApifyRunWebhook>({
  eventTypes: ['ACTOR.RUN.*'],
  async handle(event, ctx) {
    // `reopened` is how a resurrected run, allowed back to RUNNING by its source's rules, would arrive.
    if (ctx.transition !== 'applied' && ctx.transition !== 'reopened') {
      ctx.log.debug({ transition: ctx.transition }, 'run status did not move; apify_runs unchanged');
      return;
    }
    const run = event.payload.resource;
    const row = {
      actorId: run.actId,
      status: run.status,
      datasetId: run.defaultDatasetId ?? null,
      finishedAt: run.finishedAt ? new Date(run.finishedAt) : null,
    };
    await ctx.tx
      .insert(apifyRuns)
      .values({ runId: run.id, ...row })
      .onConflictDoUpdate({ target: apifyRuns.runId, set: { ...row, updatedAt: sql`now()` } });
  },
});

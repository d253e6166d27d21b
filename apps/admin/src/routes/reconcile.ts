import { HttpError } from '@hookline/core';
import { recordOperatorAction, removeReconcileAction } from '@hookline/db';
import { operatorReconcileJobId, QueueUnavailableError, type ReconcileQueue } from '@hookline/queue';
import type { QueueEvents } from 'bullmq';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AdminServices } from '../services.js';
import { assertWritable, errorBody } from './schemas.js';

/** What the admin needs to ask the worker for a reconciliation and wait for its report. */
export interface ReconcileRequests {
  /** Sources with a `reconcile` block. */
  readonly sources: ReadonlySet<string>;
  readonly queue: ReconcileQueue;
  /** Tells the admin when the worker finished the run. */
  readonly events: QueueEvents;
  /** How long the request waits for the run before answering 202. */
  readonly waitMs: number;
}

const report = z.object({
  source: z.string(),
  provider: z.string(),
  outcome: z.enum(['succeeded', 'unauthorized', 'rate_limited', 'unavailable', 'failed']),
  reason: z.string().optional().describe('Why it did not succeed, as the provider put it'),
  since: z.string().describe('How far back the run looked (ISO 8601)'),
  settledBefore: z.string().nullable().describe("The source's cursor after the run"),
  scanned: z.number().int().describe('Items the provider listed'),
  missing: z.number().int().describe('Events found missing from Hookline'),
  recovered: z.number().int().describe('Of those, events enqueued by the run'),
  redelivered: z.number().int().describe('GitHub: deliveries GitHub was asked to send again'),
});

/** `POST /api/sources/:source/reconcile`: an operator's reconciliation, run by the worker. */
export function reconcileRoutes(requests: ReconcileRequests | undefined): FastifyPluginAsyncZod<AdminServices> {
  return async (app, services) => {
    app.post(
      '/api/sources/:source/reconcile',
      {
        schema: {
          summary: "Reconcile a source against its provider's API now",
          description:
            'The worker lists what the provider sent (from `since`, else from the source’s cursor) and enqueues what ' +
            'Hookline lacks. Answers with what the run found, or 202 when it takes longer than the admin waits.',
          params: z.strictObject({ source: z.string().min(1) }),
          body: z
            .strictObject({ since: z.iso.datetime({ offset: true }).optional().describe('Look back to here (ISO 8601)') })
            .nullish(),
          response: {
            200: z.object({ status: z.literal('finished'), jobId: z.string(), report }),
            202: z.object({ status: z.literal('queued'), jobId: z.string() }),
            403: errorBody,
            404: errorBody,
            409: errorBody,
            500: errorBody,
          },
        },
      },
      async (request, reply) => {
        assertWritable(services.readOnly);
        const { source } = request.params;
        if (!services.rules.has(source)) throw new HttpError(404, 'source_not_found', `no source "${source}"`);
        if (requests === undefined || !requests.sources.has(source)) {
          throw new HttpError(409, 'not_reconcilable', `source "${source}" has no reconcile block`);
        }
        const since = request.body?.since;
        const jobId = operatorReconcileJobId(source);
        // The audit row exists before the job does: the worker records the report on it.
        await recordOperatorAction(services.db, {
          actor: request.operator,
          action: 'reconcile',
          source,
          jobId,
          detail: { since: since ?? null },
        });
        let job: Awaited<ReturnType<ReconcileQueue['add']>>;
        try {
          job = await requests.queue.add(
            source,
            { source, operator: request.operator, ...(since !== undefined && { since }) },
            { jobId },
          );
        } catch (error) {
          await removeReconcileAction(services.db, jobId);
          throw new QueueUnavailableError(`reconciliation not queued: ${(error as Error).message}`, { cause: error });
        }
        request.log.info({ operator: request.operator, source, since, jobId }, 'reconciliation requested');
        try {
          const found = report.parse(await job.waitUntilFinished(requests.events, requests.waitMs));
          return reply.status(200).send({ status: 'finished' as const, jobId, report: found });
        } catch (error) {
          const failed = await job.isFailed().catch(() => false);
          if (failed)
            throw new HttpError(
              500,
              'reconcile_failed',
              `the worker could not run it: ${job.failedReason ?? (error as Error).message}`,
            );
          // Still running (or no worker is up): the report lands on the audit row when it is done.
          request.log.info({ source, jobId, err: (error as Error).message }, 'reconciliation not finished within the wait');
          return reply.status(202).send({ status: 'queued' as const, jobId });
        }
      },
    );
  };
}

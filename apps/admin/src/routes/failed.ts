import { recordOperatorAction } from '@hookline/db';
import { type EventQueue, eventJobSchema } from '@hookline/queue';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AdminServices } from '../services.js';
import { assertWritable, errorBody } from './schemas.js';

const RETRY_CHUNK = 50;

/** Moves one source's failed jobs back to waiting. Job ids start with `<source>/` (deliveries and replays alike). */
async function retrySourceFailures(queue: EventQueue, source: string): Promise<number> {
  const ids = (await queue.getRanges(['failed'], 0, -1)).filter((id) => id.startsWith(`${source}/`));
  let retried = 0;
  for (let start = 0; start < ids.length; start += RETRY_CHUNK) {
    const results = await Promise.allSettled(
      ids.slice(start, start + RETRY_CHUNK).map(async (id) => {
        const job = await queue.getJob(id);
        // Someone else may have retried or removed it meanwhile: that is not an error.
        if (job === undefined || !(await job.isFailed())) return false;
        await job.retry('failed');
        return true;
      }),
    );
    retried += results.filter((result) => result.status === 'fulfilled' && result.value).length;
  }
  return retried;
}

export const failedJob = z.object({
  jobId: z.string(),
  source: z.string().nullable(),
  eventId: z.string().nullable(),
  eventType: z.string().nullable(),
  entityId: z.string().nullable(),
  replay: z.boolean(),
  attemptsMade: z.number().int(),
  failedReason: z.string(),
  failedAt: z.string().nullable().describe('ISO 8601, when its last attempt failed'),
});

export const failedJobs = z.object({ total: z.number().int(), jobs: z.array(failedJob) });

export type FailedJobs = z.infer<typeof failedJobs>;

/** The events queue's failed jobs, most recently failed first: what is stuck and why. */
export async function readFailedJobs(queue: EventQueue, limit: number): Promise<FailedJobs> {
  const [counts, jobs] = await Promise.all([queue.getJobCounts('failed'), queue.getFailed(0, limit - 1)]);
  return {
    total: counts.failed ?? 0,
    jobs: jobs
      .filter((job) => job !== undefined)
      .map((job) => {
        // A job whose data is not an event is listed too: that is why it failed.
        const parsed = eventJobSchema.safeParse(job.data);
        const event = parsed.success ? parsed.data : undefined;
        return {
          jobId: job.id ?? '',
          source: event?.source ?? null,
          eventId: event?.eventId ?? null,
          eventType: event?.eventType ?? null,
          entityId: event?.entityId ?? null,
          replay: event?.replay === true,
          attemptsMade: job.attemptsMade,
          failedReason: job.failedReason ?? '',
          failedAt: job.finishedOn === undefined ? null : new Date(job.finishedOn).toISOString(),
        };
      }),
  };
}

/** `GET /api/failed`: the failed jobs; `POST /api/failed/retry`: every failed job, or one source's, back to waiting. */
export const failedRoutes: FastifyPluginAsyncZod<AdminServices> = async (app, services) => {
  app.get(
    '/api/failed',
    {
      schema: {
        summary: 'Failed jobs of the events queue, most recently failed first, with their reasons',
        querystring: z.strictObject({ limit: z.coerce.number().int().min(1).max(1000).default(100) }),
        response: { 200: failedJobs },
      },
    },
    async (request) => readFailedJobs(services.queue, request.query.limit),
  );

  app.post(
    '/api/failed/retry',
    {
      schema: {
        summary: 'Retry failed jobs: all of them, or those of one source',
        description: 'Each job gets one more attempt (its attempt count is kept, as with the Bull Board button).',
        querystring: z.strictObject({ source: z.string().min(1).optional() }),
        response: { 200: z.object({ retried: z.number().int() }), 403: errorBody },
      },
    },
    async (request) => {
      assertWritable(services.readOnly);
      const { source } = request.query;
      let retried: number;
      if (source === undefined) {
        retried = (await services.queue.getJobCounts('failed')).failed ?? 0;
        await services.queue.retryJobs({ state: 'failed', count: 1000 });
      } else {
        retried = await retrySourceFailures(services.queue, source);
      }
      await recordOperatorAction(services.db, {
        actor: request.operator,
        action: 'retry_failed',
        source: source ?? null,
        detail: { retried },
      });
      request.log.info({ operator: request.operator, source, retried }, 'failed jobs retried');
      return { retried };
    },
  );
};

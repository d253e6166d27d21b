import { webhookEvents } from '@hookline/db';
import { defineHandler, type Handler, PermanentError } from '@hookline/handler';
import { handlerRegistry } from '@hookline/worker';
import { eq, sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPipeline, jobBody, type Pipeline, signedDelivery, waitFor } from './harness.js';

let pipeline: Pipeline;

beforeEach(async () => {
  pipeline = await createPipeline();
  await pipeline.database.client.db.execute(
    sql`create table handler_effects (id serial primary key, event_id text not null, attempt int not null)`,
  );
});

afterEach(async () => {
  await pipeline.close();
});

/** A handler that writes its effect row, then does whatever `after` says (throw, or nothing). */
function writing(after: (attempt: number) => void = () => {}): Handler {
  return defineHandler({
    async handle(event, ctx) {
      await ctx.tx.execute(sql`insert into handler_effects (event_id, attempt) values (${event.eventId}, ${ctx.attempt})`);
      after(ctx.attempt);
    },
  });
}

function startWith(handler: Handler) {
  return pipeline.startWorker({ handlers: handlerRegistry({ jobs: [{ path: './effect.ts', handler }] }) });
}

async function effects(eventId: string): Promise<{ attempt: number }[]> {
  const rows = await pipeline.database.client.db.execute(sql`select attempt from handler_effects where event_id = ${eventId}`);
  return rows as unknown as { attempt: number }[];
}

async function eventRow(eventId: string) {
  const [row] = await pipeline.database.client.db.select().from(webhookEvents).where(eq(webhookEvents.eventId, eventId));
  return row;
}

async function failedJob(eventId: string) {
  return waitFor(`job of ${eventId} failed`, async () => {
    const job = await pipeline.queue.getJob(`jobs/${eventId}`);
    return (await job?.isFailed()) ? job : undefined;
  });
}

async function processed(eventId: string) {
  return waitFor(`event ${eventId} processed`, async () => {
    const row = await eventRow(eventId);
    return row?.processedAt ? row : undefined;
  });
}

describe('a transactional handler, end to end', () => {
  it('has its effect once when 20 copies of an event are delivered at once', async () => {
    await startWith(writing());
    const responses = await Promise.all(
      Array.from({ length: 20 }, () => pipeline.ingester.inject(signedDelivery('evt-dup', jobBody('job-dup', 'queued')))),
    );
    expect(responses.every((response) => response.statusCode === 200)).toBe(true);
    await processed('evt-dup');
    expect(await effects('evt-dup')).toHaveLength(1);
  });

  it('failing twice then succeeding has one effect, and the event row shows 3 attempts', async () => {
    await startWith(
      writing((attempt) => {
        if (attempt < 3) throw new Error(`upstream not ready (attempt ${attempt})`);
      }),
    );
    await pipeline.ingester.inject(signedDelivery('evt-flaky', jobBody('job-flaky', 'queued')));
    const row = await processed('evt-flaky');
    expect(row).toMatchObject({ attempts: 3, lastError: null, transition: 'applied' });
    expect(await effects('evt-flaky')).toEqual([{ attempt: 3 }]);
  });

  it('always failing ends in the failed set with no effect, and once fixed and retried runs once', async () => {
    const broken = await startWith(
      writing(() => {
        throw new Error('bug in handler');
      }),
    );
    await pipeline.ingester.inject(signedDelivery('evt-broken', jobBody('job-broken', 'queued')));
    const job = await failedJob('evt-broken');
    expect(job.attemptsMade).toBe(3);
    expect(job.failedReason).toBe('handler ./effect.ts threw: bug in handler');
    expect(await eventRow('evt-broken')).toMatchObject({
      processedAt: null,
      attempts: 3,
      lastError: 'handler ./effect.ts threw: bug in handler',
    });
    expect(await effects('evt-broken')).toEqual([]);
    const entity = await pipeline.database.client.db.execute(sql`select 1 from entity_states where entity_id = 'job-broken'`);
    expect(entity).toHaveLength(0);

    // The operator deploys the fix (the test swaps the module) and retries the failed job.
    await broken.close();
    await startWith(writing());
    await job.retry();
    expect(await processed('evt-broken')).toMatchObject({ attempts: 4, lastError: null });
    expect(await effects('evt-broken')).toHaveLength(1);
  });

  it('throwing PermanentError fails at once, without retries', async () => {
    await startWith(
      writing(() => {
        throw new PermanentError('unknown account');
      }),
    );
    await pipeline.ingester.inject(signedDelivery('evt-permanent', jobBody('job-permanent', 'queued')));
    const job = await failedJob('evt-permanent');
    expect(job.attemptsMade).toBe(1);
    expect(job.failedReason).toBe('handler ./effect.ts threw: unknown account');
    expect(await eventRow('evt-permanent')).toMatchObject({ processedAt: null, attempts: 1 });
    expect(await effects('evt-permanent')).toEqual([]);
  });

  it('writing and then throwing has its write rolled back', async () => {
    await startWith(
      writing((attempt) => {
        if (attempt === 1) throw new Error('after the write');
      }),
    );
    await pipeline.ingester.inject(signedDelivery('evt-rollback', jobBody('job-rollback', 'queued')));
    await processed('evt-rollback');
    // Attempt 1 wrote a row and threw: only attempt 2's row exists.
    expect(await effects('evt-rollback')).toEqual([{ attempt: 2 }]);
  });
});

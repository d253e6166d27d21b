import { runRetentionPass, webhookEvents } from '@hookline/db';
import { loadRetentionSettings } from '@hookline/runtime';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPipeline, jobBody, type Pipeline, signedDelivery, sourcesConfig, waitFor } from './harness.js';

const DAY = 24 * 60 * 60 * 1000;
let pipeline: Pipeline;
const settings = loadRetentionSettings(sourcesConfig(), {
  HOOKLINE_RETENTION_PAYLOAD_DAYS: 30,
  HOOKLINE_RETENTION_EVENT_DAYS: 90,
  HOOKLINE_RETENTION_AUDIT_DAYS: 365,
});

beforeAll(async () => {
  pipeline = await createPipeline();
  await pipeline.startWorker();
});

afterAll(async () => {
  await pipeline.close();
});

async function rows(eventId: string) {
  return pipeline.database.client.db.select().from(webhookEvents).where(eq(webhookEvents.eventId, eventId));
}

/** Delivers the event, waits for its job to complete, removes the job (its edge window ends) and returns what it did. */
async function deliverAndForget(eventId: string, body: string): Promise<{ status: string; outcome: unknown }> {
  const response = await pipeline.ingester.inject(signedDelivery(eventId, body));
  const job = await waitFor(`job of ${eventId} completed`, async () => {
    const found = await pipeline.queue.getJob(`jobs/${eventId}`);
    return (await found?.isCompleted()) ? found : undefined;
  });
  await job.remove();
  return { status: response.json().status, outcome: job.returnvalue };
}

describe('a redelivery across the retention horizons', () => {
  it('is a duplicate at the edge and in Postgres while the pruned row is kept, and is stored again after eventDays', async () => {
    const body = jobBody('job-ret', 'running');
    const first = await pipeline.ingester.inject(signedDelivery('evt-ret', body));
    expect(first.json().status).toBe('accepted');
    const [stored] = await waitFor('evt-ret processed', async () => {
      const found = await rows('evt-ret');
      return found[0]?.processedAt ? found : undefined;
    });
    const receivedAt = stored?.receivedAt ?? new Date();

    // Past the payload horizon (30 days, to the next midnight UTC): pruned, its key kept.
    const pruning = await runRetentionPass(pipeline.database.client, {
      now: new Date(receivedAt.getTime() + 32 * DAY),
      policy: settings,
    });
    expect(pruning.ran).toBe(true);
    expect(await rows('evt-ret')).toEqual([
      expect.objectContaining({ payload: null, rawBody: null, headers: null, pruned: true, processedAt: stored?.processedAt }),
    ]);

    // Tier 1: its job is still in the edge window.
    const edge = await pipeline.ingester.inject(signedDelivery('evt-ret', body));
    expect(edge.json()).toEqual({ status: 'duplicate', source: 'jobs', eventId: 'evt-ret' });

    // Tier 2: once the job has left Redis, Postgres still knows the id.
    await (await pipeline.queue.getJob('jobs/evt-ret'))?.remove();
    expect(await deliverAndForget('evt-ret', body)).toEqual({ status: 'accepted', outcome: { kind: 'duplicate' } });
    expect(await rows('evt-ret')).toEqual([expect.objectContaining({ pruned: true, payload: null })]);

    // Past eventDays the row is gone, and a redelivery is stored again with its body; the entity's
    // state is kept, so the status it offers again changes nothing.
    const removing = await runRetentionPass(pipeline.database.client, {
      now: new Date(receivedAt.getTime() + 90 * DAY + 1),
      policy: settings,
    });
    expect(removing.ran).toBe(true);
    expect(await rows('evt-ret')).toEqual([]);
    expect(await deliverAndForget('evt-ret', body)).toEqual({
      status: 'accepted',
      outcome: { kind: 'stored', transition: 'unchanged' },
    });
    expect(await rows('evt-ret')).toEqual([expect.objectContaining({ pruned: false, rawBody: body })]);
  });
});

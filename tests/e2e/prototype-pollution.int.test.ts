import { webhookEvents } from '@hookline/db';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPipeline, type Pipeline, signedDelivery, waitFor } from './harness.js';

let pipeline: Pipeline;

beforeAll(async () => {
  pipeline = await createPipeline();
});

afterAll(async () => {
  await pipeline.close();
});

const prototypeKeys = () => Object.getOwnPropertyNames(Object.prototype).sort();

describe('a prototype pollution attempt', () => {
  it('leaves Object.prototype untouched through ingest and processing, and is stored as plain data', async () => {
    const before = prototypeKeys();
    const bodies = [
      '{"__proto__":{"polluted":"yes","job":{"id":"p1","status":"running"}},"job":{"id":"p1","status":"queued"}}',
      '{"constructor":{"prototype":{"polluted":"yes"}},"job":{"id":"p1","__proto__":{"status":"succeeded"}}}',
      '{"job":{"id":"__proto__","status":"running"},"__proto__":null}',
    ];
    const worker = await pipeline.startWorker();
    for (const [index, body] of bodies.entries()) {
      expect((await pipeline.ingester.inject(signedDelivery(`proto-${index}`, body))).statusCode).toBe(200);
    }
    const rows = await waitFor('all three stored', async () => {
      const found = await pipeline.database.client.db
        .select({
          eventId: webhookEvents.eventId,
          entityId: webhookEvents.entityId,
          status: webhookEvents.status,
          proto: sql<unknown>`${webhookEvents.payload} -> '__proto__'`,
        })
        .from(webhookEvents)
        .orderBy(webhookEvents.eventId);
      return found.length === 3 && (await pipeline.queue.getActiveCount()) === 0 ? found : undefined;
    });
    await worker.close();

    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(prototypeKeys()).toEqual(before);
    // The status comes from the body's own job object, never from a prototype.
    expect(rows).toEqual([
      { eventId: 'proto-0', entityId: 'p1', status: 'queued', proto: { polluted: 'yes', job: { id: 'p1', status: 'running' } } },
      { eventId: 'proto-1', entityId: 'p1', status: null, proto: null },
      { eventId: 'proto-2', entityId: '__proto__', status: 'running', proto: null },
    ]);
  });
});

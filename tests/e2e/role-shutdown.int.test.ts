import { Writable } from 'node:stream';
import { webhookEvents } from '@hookline/db';
import { defineHandler } from '@hookline/handler';
import { createIngesterRole, ingesterEnv } from '@hookline/ingester';
import { createLogger, parseEnv } from '@hookline/runtime';
import { handlerRegistry } from '@hookline/worker';
import { eq, sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPipeline, jobBody, type Pipeline, roleEnv, signedDelivery, sourcesConfig, waitFor } from './harness.js';

let pipeline: Pipeline;

beforeEach(async () => {
  pipeline = await createPipeline();
});

afterEach(async () => {
  await pipeline.close();
});

/** A debug logger whose lines the test reads, and the close steps they name, in order. */
function capturedLog() {
  const lines: string[] = [];
  const logger = createLogger({
    name: 'role',
    level: 'debug',
    destination: new Writable({
      write(chunk, _encoding, done) {
        lines.push(...String(chunk).trim().split('\n'));
        done();
      },
    }),
  });
  const closeSteps = () =>
    lines
      .map((line) => JSON.parse(line) as { msg: string; step?: string })
      .filter((line) => line.msg === 'closed')
      .map((line) => line.step);
  return { logger, closeSteps };
}

describe('closing a running worker role in-process', () => {
  it('lets the active job finish, closes Postgres after the workers, then Redis, and exports its last spans at the end', async () => {
    const { logger, closeSteps } = capturedLog();
    let handlerStarted: () => void = () => {};
    const started = new Promise<void>((resolve) => {
      handlerStarted = resolve;
    });
    const slow = defineHandler({
      async handle() {
        handlerStarted();
        await new Promise((resolve) => setTimeout(resolve, 500));
      },
    });
    const worker = await pipeline.startWorker({
      logger,
      handlers: handlerRegistry({ jobs: [{ path: './slow.ts', handler: slow }] }),
    });
    expect((await pipeline.ingester.inject(signedDelivery('evt-close', jobBody('job-close', 'running')))).statusCode).toBe(200);
    await started;

    await worker.close();

    expect(closeSteps()).toEqual([
      'durability watch',
      'retention',
      'events worker',
      'forwarder',
      'stats',
      'health',
      'postgres',
      'redis',
      'tracing',
    ]);
    // The job active when the close began committed while its database was still open.
    const [row] = await pipeline.database.client.db
      .select({ processedAt: webhookEvents.processedAt })
      .from(webhookEvents)
      .where(eq(webhookEvents.eventId, 'evt-close'));
    expect(row?.processedAt).not.toBeNull();
    expect(await pipeline.queue.getJobCounts('active', 'completed', 'waiting')).toEqual({ active: 0, completed: 1, waiting: 0 });
    await waitFor('the Redis connection to end', async () => (worker.connection.status === 'end' ? true : undefined));
    await expect(worker.database.db.execute(sql`select 1`)).rejects.toThrow();
    // A second close (SIGTERM after a test's own close) does nothing more.
    await worker.close();
    expect(closeSteps()).toHaveLength(9);
  });
});

describe('closing the ingester role in-process', () => {
  it('stops HTTP before its queue and Redis, and exports its last spans after them', async () => {
    const { logger, closeSteps } = capturedLog();
    const ingester = await createIngesterRole(parseEnv(ingesterEnv, roleEnv(pipeline.prefix)), {
      config: sourcesConfig(),
      logger,
    });
    await ingester.start({ abort: () => {} });
    const delivery = signedDelivery('evt-http', jobBody('job-http', 'queued'));
    const response = await fetch(`${ingester.url()}${delivery.url}`, {
      method: 'POST',
      headers: delivery.headers,
      body: delivery.payload,
    });
    expect(response.status).toBe(200);

    await ingester.close();

    expect(closeSteps()).toEqual(['durability watch', 'http', 'stats', 'queue', 'redis', 'tracing']);
    await waitFor('the Redis connection to end', async () => (ingester.connection.status === 'end' ? true : undefined));
    expect((await pipeline.queue.getJobCounts('waiting')).waiting).toBe(1);
  });
});

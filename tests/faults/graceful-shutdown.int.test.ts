import { fileURLToPath } from 'node:url';
import { toJobId } from '@hookline/core';
import { SOURCES_YAML, waitFor } from '@hookline/e2e/harness';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { incomingEvent } from './src/backlog.js';
import { startHeldDelivery } from './src/held-delivery.js';
import { sleep } from './src/ports.js';
import { type PrivatePostgres, startPrivatePostgres } from './src/private-postgres.js';
import { type PrivateRedis, startPrivateRedis } from './src/private-redis.js';
import { cleanUpRoles } from './src/processes.js';
import { createScenario, isSettled, type Scenario, type ScenarioOptions } from './src/scenario.js';
import { abandonStreams, countOutcomes, startStream } from './src/sender.js';

let redis: PrivateRedis;
let postgres: PrivatePostgres;
let scenario: Scenario | undefined;

beforeAll(async () => {
  [redis, postgres] = await Promise.all([startPrivateRedis(), startPrivatePostgres()]);
});

afterAll(async () => {
  await Promise.allSettled([redis?.remove(), postgres?.remove()]);
});

afterEach(async ({ task }) => {
  abandonStreams();
  await cleanUpRoles(task.result?.state === 'fail');
  await scenario?.close();
  scenario = undefined;
});

async function newScenario(options: ScenarioOptions = {}): Promise<Scenario> {
  scenario = await createScenario(redis, postgres, options);
  return scenario;
}

describe('SIGTERM to the ingester under load', () => {
  it('answers every delivery it took in, enqueues every one it answered 200, and exits 0', async () => {
    const { queue, startIngester, startWorker, storedEventIds, storedEvents } = await newScenario();
    const ingester = await startIngester();
    const stream = startStream({ baseUrl: ingester.url, idPrefix: 'evt', senders: 32 });
    await waitFor('deliveries acknowledged', async () => (stream.acknowledged.size >= 1000 ? true : undefined));
    // One more sender is mid-request when the signal comes (the ingester has its headers, the
    // body follows after the close has begun), and keeps its connection open after the answer,
    // as a pooled keep-alive connection does.
    const held = await startHeldDelivery(ingester.port, 'evt-held');

    ingester.child.kill('SIGTERM');
    await sleep(300);
    const heldStatus = await held.finish();
    const exit = await ingester.exit;
    const exitedAt = Date.now();
    await waitFor('senders refused after the exit', async () =>
      stream.attempts.some((attempt) => attempt.startedAt > exitedAt && attempt.outcome === 'refused') ? true : undefined,
    );
    await stream.stop();
    await held.ended;

    expect(exit).toEqual({ code: 0, signal: null });
    expect(heldStatus).toBe(200);
    // A request the ingester read was answered 200 (enqueued); the others never got in: refused
    // once it stopped listening, or reset when an idle keep-alive connection was closed under
    // the sender's next request. None was answered 5xx.
    const outcomes = countOutcomes(stream.attempts);
    expect(Object.keys(outcomes).filter((outcome) => !['200', 'refused', 'reset'].includes(outcome))).toEqual([]);
    const acknowledged = new Set([...stream.acknowledged, 'evt-held']);
    // Every 200 is a job in Redis, and every job in Redis was answered 200: nothing the
    // ingester took in was dropped without an answer.
    const missing = (
      await Promise.all(
        [...acknowledged].map(async (eventId) => ((await queue.getJob(toJobId('jobs', eventId))) ? undefined : eventId)),
      )
    ).filter((eventId) => eventId !== undefined);
    expect(missing).toEqual([]);
    expect(await queue.getJobCounts('waiting')).toEqual({ waiting: acknowledged.size });

    await startWorker();
    await waitFor('every acknowledged delivery stored', async () =>
      (await storedEvents()).processed === acknowledged.size ? true : undefined,
    );
    expect(await storedEventIds()).toEqual(acknowledged);
  });
});

const slowHandler = fileURLToPath(new URL('./fixtures/slow-handler.ts', import.meta.url));
const GRACE_MS = 10_000;

describe('SIGTERM to the worker while it has active jobs', () => {
  it('finishes the active jobs, exits 0 within the grace period, and leaves the rest waiting for the next worker', async () => {
    const { database, enqueue, queue, queueState, startWorker } = await newScenario({
      sourcesYaml: `${SOURCES_YAML}    handlers: [${JSON.stringify(slowHandler)}]\n`,
    });
    await database.sql`create table handler_effects (id serial primary key, event_id text not null, attempt int not null)`;
    const eventIds = Array.from({ length: 20 }, (_, n) => `evt-${n}`);
    await enqueue(eventIds.map((eventId) => incomingEvent(eventId, `entity-${eventId}`, 'running')));
    const effects = () => database.sql<{ event_id: string }[]>`select event_id from handler_effects`;
    const processedIds = async () =>
      new Set(
        (await database.sql<{ event_id: string }[]>`select event_id from webhook_events where processed_at is not null`).map(
          (row) => row.event_id,
        ),
      );

    const env = { WORKER_CONCURRENCY: '4', SLOW_HANDLER_MS: '1500', HOOKLINE_SHUTDOWN_GRACE_MS: String(GRACE_MS) };
    const first = await startWorker(env);
    const active = await waitFor('jobs in flight', async () => {
      const jobs = await queue.getActive();
      return jobs.length === 4 ? jobs.map((job) => job.data.eventId) : undefined;
    });
    const signalledAt = Date.now();
    first.child.kill('SIGTERM');
    const exit = await first.exit;
    const shutdownMs = Date.now() - signalledAt;

    expect(exit).toEqual({ code: 0, signal: null });
    expect(shutdownMs).toBeLessThan(GRACE_MS);
    // The jobs in flight were finished, effects and all, not abandoned.
    const processed = await processedIds();
    expect([...processed]).toEqual(expect.arrayContaining(active));
    expect(processed.size).toBeLessThan(eventIds.length);
    expect((await effects()).map((row) => row.event_id).sort()).toEqual([...processed].sort());
    expect(await queueState()).toEqual({
      waiting: eventIds.length - processed.size,
      active: 0,
      delayed: 0,
      prioritized: 0,
      failed: 0,
      completed: processed.size,
      stalled: 0,
    });

    await startWorker(env);
    await waitFor('the next worker processed the rest', async () =>
      (await processedIds()).size === eventIds.length ? true : undefined,
    );
    await waitFor('the queue settled', async () => (isSettled(await queueState()) ? true : undefined));
    expect(await queueState()).toMatchObject({ failed: 0, completed: eventIds.length });
    // Each handler ran once per event, across both workers.
    expect((await effects()).map((row) => row.event_id).sort()).toEqual([...eventIds].sort());
  });
});

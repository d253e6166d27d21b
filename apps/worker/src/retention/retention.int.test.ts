import { parseSourcesConfig, type SourcesConfig } from '@hookline/core';
import { runRetentionPass } from '@hookline/db';
import { createTestDatabase, type TestDatabase } from '@hookline/db/testing';
import type { EventJob } from '@hookline/queue';
import { createWorkerConnection } from '@hookline/queue';
import { removePrefix, testPrefix } from '@hookline/queue/testing';
import { createLogger, loadRetentionSettings, noTracing } from '@hookline/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { noHandlers } from '../handlers/load-handlers.js';
import { createWorkerMetrics } from '../metrics.js';
import { processBatch } from '../process-batch.js';
import { createRetentionRunner } from './retention-runner.js';

let database: TestDatabase;
let config: SourcesConfig;
const logger = createLogger({ name: 'test', level: 'silent' });

beforeAll(async () => {
  database = await createTestDatabase();
  const parsed = parseSourcesConfig(
    `
sources:
  - name: runs
    provider: hmac-sha256
    secrets: [S]
    entity: { id: run.id, status: run.status }
    statuses:
      ranks: { READY: 1, RUNNING: 2, SUCCEEDED: 3 }
      terminal: [SUCCEEDED]
    retention: { payloadDays: 7, eventDays: 14 }
`,
    { S: 's' },
  );
  if (!parsed.ok) throw new Error(parsed.problems.join());
  config = parsed.config;
});

afterAll(async () => {
  await database.drop();
});

const settings = () =>
  loadRetentionSettings(config, {
    HOOKLINE_RETENTION_PAYLOAD_DAYS: 30,
    HOOKLINE_RETENTION_EVENT_DAYS: 90,
    HOOKLINE_RETENTION_AUDIT_DAYS: 365,
  });

function runEvent(eventId: string, entityId: string): EventJob {
  const rawBody = JSON.stringify({ run: { id: entityId, status: 'RUNNING' } });
  return {
    source: 'runs',
    eventId,
    eventType: 'run.updated',
    entityId,
    status: 'RUNNING',
    rawBody,
    headers: {},
    receivedAt: Date.now(),
  };
}

const AGED = 20_000;

/** Events of a month ago, with bodies (in the default partition: no partition covers their day) and some forwards. */
async function seedAgedEvents(): Promise<void> {
  const { sql } = database.client;
  await sql`
    with aged as (
      insert into webhook_event_rows (source, event_id, event_type, entity_id, status, received_at, processed_at,
                                      attempts, transition, body_expires_on)
      -- The pass takes rows oldest first, the worker claims them in key order: opposite orders here.
      select 'runs', 'aged-' || i, 'run.updated', 'old-' || (i % 500), 'RUNNING', now() - interval '30 days' + make_interval(secs => i),
             now() - interval '30 days', 1, 'applied', (now() - interval '22 days')::date
      from generate_series(1, ${AGED}) as i
      returning id, body_expires_on
    ), bodies as (
      insert into webhook_event_bodies (event_row_id, expires_on, payload, raw_body, headers)
      select id, body_expires_on, '{"n":1}', '{"n":1}', '{}' from aged
    )
    insert into forward_deliveries (message_id, webhook_event_id, destination, transition)
    select 'aged-msg-' || id, id, 'https://a.example', 'applied' from aged where id % 100 = 0`;
}

describe('a retention pass while the worker drains a backlog', () => {
  it('loses nothing and deadlocks with nothing, redeliveries of aged ids included', async () => {
    await seedAgedEvents();
    // New events, and redeliveries of ids the pass is removing at the same moment.
    const backlog = [
      ...Array.from({ length: 3000 }, (_, i) => runEvent(`new-${i}`, `run-${i % 300}`)),
      ...Array.from({ length: 1000 }, (_, i) => runEvent(`aged-${i * 20 + 1}`, `old-${i % 500}`)),
    ].sort(() => 0.5 - Math.random());
    const batches: EventJob[][] = [];
    for (let i = 0; i < backlog.length; i += 50) batches.push(backlog.slice(i, i + 50));
    const deps = { db: database.client.db, config, handlers: noHandlers, logger, tracing: noTracing() };

    const drain = async () => {
      const outcomes = [];
      while (batches.length > 0) {
        const batch = batches.shift() as EventJob[];
        outcomes.push(
          ...(await processBatch(
            deps,
            batch.map((event) => ({ event, run: { attempt: 1 } })),
          )),
        );
      }
      return outcomes;
    };
    const [pass, ...drained] = await Promise.all([
      // Paced as the worker runs it: resting between batches.
      runRetentionPass(database.client, { now: new Date(), policy: settings(), batchSize: 500, dutyCycle: 0.5 }),
      drain(),
      drain(),
      drain(),
    ]);

    const outcomes = drained.flat();
    expect(outcomes.filter((outcome) => outcome.status === 'rejected')).toEqual([]);
    expect(pass.ran).toBe(true);
    const { sql } = database.client;
    const [counts] = await sql<{ fresh: number; freshIds: number; aged: number; agedIds: number }[]>`
      select count(*) filter (where event_id like 'new-%')::int as fresh,
             count(distinct event_id) filter (where event_id like 'new-%')::int as "freshIds",
             count(*) filter (where event_id like 'aged-%')::int as aged,
             count(distinct event_id) filter (where event_id like 'aged-%')::int as "agedIds"
      from webhook_events`;
    expect(counts).toMatchObject({ fresh: 3000, freshIds: 3000 });
    expect(counts?.aged).toBe(counts?.agedIds);
    // An aged id redelivered while its row was locked by the worker stays for the next pass; every other aged row is gone.
    const again = await runRetentionPass(database.client, { now: new Date(), policy: settings(), batchSize: 500 });
    const removed = [pass, again]
      .flatMap((report) => report.removed)
      .filter(({ kind }) => kind === 'event')
      .reduce((sum, { rows }) => sum + rows, 0);
    const [left] = await sql<{ stale: number; restored: number; bodies: number }[]>`
      select count(*) filter (where received_at < now() - interval '14 days')::int as stale,
             count(*) filter (where event_id like 'aged-%')::int as restored,
             (select count(*) from webhook_event_bodies_default)::int as bodies
      from webhook_event_rows`;
    expect(left).toEqual({ stale: 0, restored: left?.restored, bodies: 0 });
    const stored = outcomes.filter((outcome) => outcome.status === 'fulfilled' && outcome.value.kind === 'stored').length;
    expect(stored).toBe(3000 + (left?.restored ?? 0));
    expect(removed).toBe(AGED);
    const [forwards] = await sql<
      { n: number }[]
    >`select count(*)::int as n from forward_deliveries where message_id like 'aged-msg-%'`;
    expect(forwards?.n).toBe(0);
  });
});

describe('the retention scheduler', () => {
  it('runs one pass per interval however many worker replicas upsert it', async () => {
    const prefix = testPrefix();
    const connections = [createWorkerConnection('redis://127.0.0.1:6379'), createWorkerConnection('redis://127.0.0.1:6379')];
    const replicas = connections.map((connection) =>
      createRetentionRunner({
        database: database.client,
        connection,
        prefix,
        logger,
        metrics: createWorkerMetrics(),
        settings: settings(),
        everyMs: 60 * 60_000,
        batchSize: 500,
      }),
    );
    const passes = async () =>
      (await database.client.sql<{ n: number }[]>`select count(*)::int as n from retention_passes`)[0]?.n ?? 0;
    const before = await passes();
    try {
      await Promise.all(replicas.map((replica) => replica.start()));
      const queue = replicas[0]?.queue;
      const completed = async () => (await queue?.getJobCounts('completed'))?.completed ?? 0;
      while ((await completed()) === 0) await new Promise((resolve) => setTimeout(resolve, 50));
      expect(await queue?.getJobSchedulers()).toHaveLength(1);
      expect(await queue?.getJobCounts('completed', 'active', 'wait', 'delayed')).toEqual({
        completed: 1,
        active: 0,
        wait: 0,
        delayed: 1,
      });
      expect(await passes()).toBe(before + 1);
    } finally {
      for (const replica of replicas) await replica.close();
      await removePrefix(connections[0] as never, prefix);
      for (const connection of connections) await connection.quit();
    }
  });
});

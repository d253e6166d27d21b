import { parseSourcesConfig, type SourcesConfig } from '@hookline/core';
import { entityStates, webhookEvents } from '@hookline/db';
import { createTestDatabase, type TestDatabase } from '@hookline/db/testing';
import type { EventJob } from '@hookline/queue';
import { createLogger, noTracing } from '@hookline/runtime';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isPermanentFailure } from './failure.js';
import { noHandlers } from './handlers/load-handlers.js';
import { processBatch } from './process-batch.js';
import { processEvent } from './process-event.js';
import { UnknownSourceError } from './source-of.js';

let database: TestDatabase;
let config: SourcesConfig;

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
      ranks: { READY: 1, RUNNING: 2, SUCCEEDED: 3, FAILED: 3 }
      terminal: [SUCCEEDED, FAILED]
`,
    { S: 's' },
  );
  if (!parsed.ok) throw new Error(parsed.problems.join());
  config = parsed.config;
});

afterAll(async () => {
  await database.drop();
});

function runEvent(eventId: string, entityId: string | null, status: string | null): EventJob {
  const rawBody = JSON.stringify({ run: { id: entityId, status } });
  return { source: 'runs', eventId, eventType: 'run.updated', entityId, status, rawBody, headers: {}, receivedAt: Date.now() };
}

const logger = createLogger({ name: 'test', level: 'silent' });
const deps = () => ({ db: database.client.db, config, handlers: noHandlers, logger, tracing: noTracing() });

async function eventRow(eventId: string) {
  const rows = await database.client.db.select().from(webhookEvents).where(eq(webhookEvents.eventId, eventId));
  return rows;
}

async function entity(entityId: string) {
  const [row] = await database.client.db.select().from(entityStates).where(eq(entityStates.entityId, entityId));
  return row;
}

describe('processEvent', () => {
  it('stores a new event once, with its payload and applied transition', async () => {
    expect(await processEvent(deps(), runEvent('e1', 'run1', 'RUNNING'))).toEqual({ kind: 'stored', transition: 'applied' });
    const rows = await eventRow('e1');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ transition: 'applied', attempts: 1, payload: { run: { id: 'run1', status: 'RUNNING' } } });
    expect(rows[0]?.processedAt).toBeInstanceOf(Date);
    expect(await entity('run1')).toMatchObject({ status: 'RUNNING', statusRank: 2, terminal: false, lastEventId: 'e1' });
  });

  it('answers duplicate and changes nothing when the same event runs again', async () => {
    await processEvent(deps(), runEvent('e2', 'run2', 'READY'));
    expect(await processEvent(deps(), runEvent('e2', 'run2', 'READY'))).toEqual({ kind: 'duplicate' });
    expect(await eventRow('e2')).toHaveLength(1);
  });

  it('keeps SUCCEEDED when a late RUNNING arrives, and records the late event as terminal', async () => {
    await processEvent(deps(), runEvent('e3a', 'run3', 'SUCCEEDED'));
    expect(await processEvent(deps(), runEvent('e3b', 'run3', 'RUNNING'))).toEqual({ kind: 'stored', transition: 'terminal' });
    expect((await entity('run3'))?.status).toBe('SUCCEEDED');
    expect((await eventRow('e3b'))[0]?.transition).toBe('terminal');
  });

  it('records a lower rank as stale and the same status as unchanged', async () => {
    await processEvent(deps(), runEvent('e4a', 'run4', 'RUNNING'));
    expect(await processEvent(deps(), runEvent('e4b', 'run4', 'READY'))).toEqual({ kind: 'stored', transition: 'stale' });
    expect(await processEvent(deps(), runEvent('e4c', 'run4', 'RUNNING'))).toEqual({ kind: 'stored', transition: 'unchanged' });
    expect((await entity('run4'))?.lastEventId).toBe('e4a');
  });

  it('stores an unknown status without touching the entity', async () => {
    expect(await processEvent(deps(), runEvent('e5', 'run5', 'ARCHIVED'))).toEqual({
      kind: 'stored',
      transition: 'unknown_status',
    });
    expect(await entity('run5')).toBeUndefined();
  });

  it('stores an event without entity as none', async () => {
    expect(await processEvent(deps(), runEvent('e6', null, null))).toEqual({ kind: 'stored', transition: 'none' });
  });

  it('stores one row when 20 copies of an event are processed at once', async () => {
    const outcomes = await Promise.all(Array.from({ length: 20 }, () => processEvent(deps(), runEvent('e7', 'run7', 'READY'))));
    expect(outcomes.filter((outcome) => outcome.kind === 'stored')).toHaveLength(1);
    expect(await eventRow('e7')).toHaveLength(1);
  });

  it('refuses a source it does not know with a retryable error', async () => {
    await expect(processEvent(deps(), { ...runEvent('e8', null, null), source: 'other' })).rejects.toBeInstanceOf(
      UnknownSourceError,
    );
  });

  it.each([
    ['a NUL character jsonb refuses', '{"text":"\\u0000"}'],
    ["nesting past the jsonb parser's stack", `${'{"a":'.repeat(50_000)}1${'}'.repeat(50_000)}`],
  ])('fails permanently for a payload Postgres can never store: %s', async (_name, rawBody) => {
    const poison = { ...runEvent('e9', null, null), rawBody };
    const error = await processEvent(deps(), poison).catch((caught: unknown) => caught);
    expect(isPermanentFailure(error)).toBe(true);
    expect(await eventRow('e9')).toHaveLength(0);
  });
});

function items(events: EventJob[]) {
  return events.map((event) => ({ event, run: { attempt: 1 } }));
}

describe('processBatch', () => {
  it('stores copies of one event in a batch once and answers the others duplicate', async () => {
    const event = runEvent('b1', 'brun1', 'READY');
    const results = await processBatch(deps(), items([event, runEvent('b2', 'brun2', 'READY'), event]));
    expect(results).toEqual([
      { status: 'fulfilled', value: { kind: 'stored', transition: 'applied' } },
      { status: 'fulfilled', value: { kind: 'stored', transition: 'applied' } },
      { status: 'fulfilled', value: { kind: 'duplicate' } },
    ]);
    expect(await eventRow('b1')).toHaveLength(1);
  });

  it('labels several events for one entity in order within one batch', async () => {
    const results = await processBatch(
      deps(),
      items([
        runEvent('b3a', 'brun3', 'RUNNING'),
        runEvent('b3b', 'brun3', 'READY'),
        runEvent('b3c', 'brun3', 'SUCCEEDED'),
        runEvent('b3d', 'brun3', 'RUNNING'),
      ]),
    );
    expect(results.map((result) => result.status === 'fulfilled' && result.value)).toEqual([
      { kind: 'stored', transition: 'applied' },
      { kind: 'stored', transition: 'stale' },
      { kind: 'stored', transition: 'applied' },
      { kind: 'stored', transition: 'terminal' },
    ]);
    expect((await entity('brun3'))?.status).toBe('SUCCEEDED');
  });

  it('fails only the poison event of a batch and stores the rest', async () => {
    const poison = { ...runEvent('b4p', null, null), rawBody: '{"text":"\\u0000"}' };
    const results = await processBatch(
      deps(),
      items([runEvent('b4a', 'brun4', 'READY'), poison, runEvent('b4b', 'brun4', 'RUNNING')]),
    );
    expect(results[0]).toEqual({ status: 'fulfilled', value: { kind: 'stored', transition: 'applied' } });
    expect(results[1]?.status === 'rejected' && isPermanentFailure(results[1].reason)).toBe(true);
    expect(results[2]).toEqual({ status: 'fulfilled', value: { kind: 'stored', transition: 'applied' } });
    expect((await entity('brun4'))?.status).toBe('RUNNING');
  });

  it('rejects only the events of a source it does not know', async () => {
    const results = await processBatch(
      deps(),
      items([{ ...runEvent('b5x', null, null), source: 'other' }, runEvent('b5', null, null)]),
    );
    expect(results[0]?.status === 'rejected' && results[0].reason).toBeInstanceOf(UnknownSourceError);
    expect(results[1]).toEqual({ status: 'fulfilled', value: { kind: 'stored', transition: 'none' } });
  });
});

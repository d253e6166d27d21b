import { parseSourcesConfig, type SourcesConfig } from '@hookline/core';
import { entityStates, operatorActions, overrideEntityStatus, recordOperatorAction, webhookEvents } from '@hookline/db';
import { createTestDatabase, type TestDatabase } from '@hookline/db/testing';
import type { EventJob } from '@hookline/queue';
import { createLogger, noTracing } from '@hookline/runtime';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { noHandlers } from './handlers/load-handlers.js';
import { type ProcessOutcome, processEvent } from './process-event.js';

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
      ranks: { READY: 1, RUNNING: 2, SUCCEEDED: 3 }
      terminal: [SUCCEEDED]
`,
    { S: 's' },
  );
  if (!parsed.ok) throw new Error(parsed.problems.join());
  config = parsed.config;
});

afterAll(async () => {
  await database.drop();
});

const deps = () => ({
  db: database.client.db,
  config,
  handlers: noHandlers,
  logger: createLogger({ name: 'test', level: 'silent' }),
  tracing: noTracing(),
});

/** An operator's replay as the worker runs it: the event with `replay: true`, keyed by its job id. */
function replayEvent(event: EventJob, jobId: string): Promise<ProcessOutcome> {
  return processEvent(deps(), event, { attempt: 1, replayKey: jobId });
}

function runEvent(eventId: string, entityId: string, status: string): EventJob {
  const rawBody = JSON.stringify({ run: { id: entityId, status } });
  return {
    source: 'runs',
    eventId,
    eventType: 'run.updated',
    entityId,
    status,
    rawBody,
    headers: {},
    receivedAt: Date.now(),
    replay: true,
  };
}

async function audited(jobId: string) {
  await recordOperatorAction(database.client.db, { actor: 'alice', action: 'replay', source: 'runs', jobId });
}

async function audit(jobId: string) {
  const [row] = await database.client.db.select().from(operatorActions).where(eq(operatorActions.jobId, jobId));
  return row;
}

async function entity(entityId: string) {
  const [row] = await database.client.db
    .select()
    .from(entityStates)
    .where(and(eq(entityStates.source, 'runs'), eq(entityStates.entityId, entityId)));
  return row;
}

describe('an operator replay', () => {
  it('re-runs a processed event on purpose, forward-only, and records the outcome on its audit row', async () => {
    await processEvent(deps(), runEvent('r1', 'run-a', 'RUNNING'));
    await audited('job-1');
    expect(await replayEvent(runEvent('r1', 'run-a', 'RUNNING'), 'job-1')).toEqual({
      kind: 'replayed',
      transition: 'unchanged',
    });
    expect(await audit('job-1')).toMatchObject({ result: 'unchanged', completedAt: expect.any(Date) });

    // After an operator moved the entity back, the replay moves it forward again.
    await overrideEntityStatus(database.client.db, {
      source: 'runs',
      entityId: 'run-a',
      next: { status: 'READY', rank: 1, terminal: false },
      actor: 'alice',
      reason: 'test',
    });
    await audited('job-2');
    expect(await replayEvent(runEvent('r1', 'run-a', 'RUNNING'), 'job-2')).toEqual({
      kind: 'replayed',
      transition: 'applied',
    });
    expect(await entity('run-a')).toMatchObject({ status: 'RUNNING', lastEventId: 'r1' });
    expect((await audit('job-2'))?.result).toBe('applied');
  });

  it('never moves a status backwards: a replayed older event is stale', async () => {
    await processEvent(deps(), runEvent('r2a', 'run-b', 'READY'));
    await processEvent(deps(), runEvent('r2b', 'run-b', 'RUNNING'));
    await audited('job-3');
    expect(await replayEvent(runEvent('r2a', 'run-b', 'READY'), 'job-3')).toEqual({
      kind: 'replayed',
      transition: 'stale',
    });
    expect((await entity('run-b'))?.status).toBe('RUNNING');
  });

  it('keeps the transition of the first run on the event row', async () => {
    await audited('job-4');
    await replayEvent(runEvent('r2b', 'run-b', 'RUNNING'), 'job-4');
    const [row] = await database.client.db.select().from(webhookEvents).where(eq(webhookEvents.eventId, 'r2b'));
    expect(row?.transition).toBe('applied');
  });

  it('stores an event that was never processed as a first run', async () => {
    await audited('job-5');
    expect(await replayEvent(runEvent('r3', 'run-c', 'READY'), 'job-5')).toEqual({
      kind: 'stored',
      transition: 'applied',
    });
    expect((await audit('job-5'))?.result).toBe('applied');
  });
});

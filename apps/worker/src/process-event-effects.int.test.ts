import { parseSourcesConfig, type SourcesConfig } from '@hookline/core';
import { forwardDeliveries, webhookEvents } from '@hookline/db';
import { createTestDatabase, type TestDatabase } from '@hookline/db/testing';
import { defineHandler, type Handler, type HandlerContext, type HandlerEvent, PermanentError } from '@hookline/handler';
import type { EventJob } from '@hookline/queue';
import { createLogger, noTracing } from '@hookline/runtime';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { failureMessage, isPermanentFailure } from './failure.js';
import { HandlerError } from './handlers/handler-error.js';
import { type HandlerRegistry, handlerRegistry } from './handlers/load-handlers.js';
import { processEvent } from './process-event.js';

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

let database: TestDatabase;
let config: SourcesConfig;

beforeAll(async () => {
  database = await createTestDatabase();
  await database.client.db.execute(sql`create table handler_effects (id serial primary key, event_id text not null, note text)`);
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
    forward:
      - { url: 'http://127.0.0.1:1/all', secretEnv: F }
      - { url: 'http://127.0.0.1:1/finished', secretEnv: F, eventTypes: ['run.finished'] }
`,
    { S: 's', F: SECRET },
  );
  if (!parsed.ok) throw new Error(parsed.problems.join());
  config = parsed.config;
});

afterAll(async () => {
  await database.drop();
});

const logger = createLogger({ name: 'test', level: 'silent' });

interface Seen {
  readonly event: HandlerEvent;
  readonly ctx: Omit<HandlerContext, 'tx' | 'log'>;
}
let seen: Seen[];

beforeEach(() => {
  seen = [];
});

/** A handler that records what it was given and inserts one effect row, then behaves as `then` says. */
function recording(then: (event: HandlerEvent) => void = () => {}, eventTypes?: string[]) {
  return defineHandler({
    ...(eventTypes && { eventTypes }),
    async handle(event, ctx) {
      const { tx: _tx, log: _log, ...rest } = ctx;
      seen.push({ event, ctx: rest });
      await ctx.tx.execute(sql`insert into handler_effects (event_id) values (${event.eventId})`);
      then(event);
    },
  });
}

function deps(handlers: HandlerRegistry) {
  return { db: database.client.db, config, handlers, logger, tracing: noTracing() };
}

function registry(...handlers: Handler[]) {
  return handlerRegistry({ runs: handlers.map((handler, index) => ({ path: `./handler-${index}.ts`, handler })) });
}

function runEvent(eventId: string, status: string, eventType = 'run.updated', entityId = `run-${eventId}`): EventJob {
  const rawBody = JSON.stringify({ type: eventType, run: { id: entityId, status } });
  return { source: 'runs', eventId, eventType, entityId, status, rawBody, headers: { 'x-test': '1' }, receivedAt: Date.now() };
}

async function effects(eventId: string): Promise<number> {
  const rows = await database.client.db.execute(sql`select count(*)::int as n from handler_effects where event_id = ${eventId}`);
  return (rows[0] as { n: number }).n;
}

async function forwardsOf(eventId: string) {
  return database.client.db
    .select({
      destination: forwardDeliveries.destination,
      messageId: forwardDeliveries.messageId,
      replay: forwardDeliveries.replay,
    })
    .from(forwardDeliveries)
    .innerJoin(webhookEvents, eq(webhookEvents.id, forwardDeliveries.webhookEventId))
    .where(eq(webhookEvents.eventId, eventId));
}

describe('handlers in the event transaction', () => {
  it('give the handler the event, the entity after its transition, the outcome, the attempt and replay false', async () => {
    const outcome = await processEvent(deps(registry(recording())), runEvent('h1', 'RUNNING'), { attempt: 2 });
    expect(outcome).toEqual({ kind: 'stored', transition: 'applied' });
    expect(seen).toHaveLength(1);
    expect(seen[0]?.event).toMatchObject({
      source: 'runs',
      eventId: 'h1',
      eventType: 'run.updated',
      entityId: 'run-h1',
      status: 'RUNNING',
      payload: { type: 'run.updated', run: { id: 'run-h1', status: 'RUNNING' } },
      headers: { 'x-test': '1' },
    });
    expect(seen[0]?.event.receivedAt).toBeInstanceOf(Date);
    expect(seen[0]?.ctx).toEqual({
      entity: { id: 'run-h1', status: 'RUNNING', rank: 2, terminal: false },
      transition: 'applied',
      attempt: 2,
      replay: false,
    });
    expect(await effects('h1')).toBe(1);
  });

  it("give a form-encoded event's handler its fields as the payload", async () => {
    const fields = { type: 'run.updated', run: { id: 'run-hf', status: 'RUNNING' } };
    const event = {
      ...runEvent('hf', 'RUNNING', 'run.updated', 'run-hf'),
      rawBody: `payload=${encodeURIComponent(JSON.stringify(fields))}`,
      payloadJson: JSON.stringify(fields),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    };
    expect(await processEvent(deps(registry(recording())), event)).toEqual({ kind: 'stored', transition: 'applied' });
    expect(seen[0]?.event.payload).toEqual(fields);
  });

  it('show a late event the state that refused it', async () => {
    const handlers = registry(recording());
    await processEvent(deps(handlers), runEvent('h2a', 'SUCCEEDED', 'run.finished', 'run-h2'));
    await processEvent(deps(handlers), runEvent('h2b', 'RUNNING', 'run.updated', 'run-h2'));
    expect(seen[1]?.ctx).toMatchObject({
      transition: 'terminal',
      entity: { id: 'run-h2', status: 'SUCCEEDED', rank: 3, terminal: true },
    });
  });

  it('run only for the event types they name', async () => {
    await processEvent(deps(registry(recording(undefined, ['run.finished']))), runEvent('h3', 'RUNNING', 'run.updated'));
    expect(seen).toHaveLength(0);
    expect(
      (await database.client.db.select().from(webhookEvents).where(eq(webhookEvents.eventId, 'h3')))[0]?.processedAt,
    ).toBeInstanceOf(Date);
  });

  it('run once when 20 copies of an event are processed at once', async () => {
    const handlers = registry(recording());
    const outcomes = await Promise.all(Array.from({ length: 20 }, () => processEvent(deps(handlers), runEvent('h4', 'READY'))));
    expect(outcomes.filter((outcome) => outcome.kind === 'stored')).toHaveLength(1);
    expect(await effects('h4')).toBe(1);
    expect(await forwardsOf('h4')).toHaveLength(1);
  });

  it('roll back their writes, the event and its outbox when one of them throws', async () => {
    const handlers = registry(
      recording(),
      recording(() => {
        throw new Error('dataset not ready');
      }),
    );
    const error = await processEvent(deps(handlers), runEvent('h5', 'READY')).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(HandlerError);
    expect(isPermanentFailure(error)).toBe(false);
    expect(failureMessage(error)).toBe('handler ./handler-1.ts threw: dataset not ready');
    expect(seen).toHaveLength(2);
    expect(await effects('h5')).toBe(0);
    expect(await database.client.db.select().from(webhookEvents).where(eq(webhookEvents.eventId, 'h5'))).toEqual([]);
    expect(await forwardsOf('h5')).toEqual([]);
  });

  it('fail permanently when a handler throws PermanentError', async () => {
    const handlers = registry(
      recording(() => {
        throw new PermanentError('run belongs to another account');
      }),
    );
    const error = await processEvent(deps(handlers), runEvent('h6', 'READY')).catch((caught: unknown) => caught);
    expect(isPermanentFailure(error)).toBe(true);
    expect(failureMessage(error)).toBe('handler ./handler-0.ts threw: run belongs to another account');
  });

  it('treat a constraint error inside a handler as retryable, unlike one in the event itself', async () => {
    const handlers = registry(
      defineHandler({
        async handle(_event, ctx) {
          await ctx.tx.execute(sql`insert into handler_effects (event_id) values (null)`);
        },
      }),
    );
    const error = await processEvent(deps(handlers), runEvent('h7', 'READY')).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(HandlerError);
    expect(isPermanentFailure(error)).toBe(false);
  });
});

describe('duplicates and replays', () => {
  it('do not run handlers for a duplicate, and run them again for a replay, saying so', async () => {
    const handlers = registry(recording());
    await processEvent(deps(handlers), runEvent('r1', 'RUNNING'));
    expect(await processEvent(deps(handlers), runEvent('r1', 'RUNNING'))).toEqual({ kind: 'duplicate' });
    expect(await effects('r1')).toBe(1);

    // A replay offers the status again under the forward-only rule: the same status is `unchanged`.
    const replay = { ...runEvent('r1', 'RUNNING'), replay: true };
    expect(await processEvent(deps(handlers), replay, { attempt: 1, replayKey: 'replay-1' })).toEqual({
      kind: 'replayed',
      transition: 'unchanged',
    });
    expect(await effects('r1')).toBe(2);
    expect(seen[1]?.ctx).toMatchObject({ replay: true, transition: 'unchanged', entity: { status: 'RUNNING' } });
  });

  it('forward a replay as a new message, once however often the replay job runs', async () => {
    const handlers = registry(recording());
    await processEvent(deps(handlers), runEvent('r2', 'RUNNING'));
    const replay = { ...runEvent('r2', 'RUNNING'), replay: true };
    await processEvent(deps(handlers), replay, { attempt: 1, replayKey: 'replay-2' });
    await processEvent(deps(handlers), replay, { attempt: 2, replayKey: 'replay-2' });
    const forwards = await forwardsOf('r2');
    expect(forwards).toHaveLength(2);
    expect(new Set(forwards.map((forward) => forward.messageId)).size).toBe(2);
    expect(forwards.map((forward) => forward.replay).sort()).toEqual([false, true]);
  });
});

describe('the forwarding outbox', () => {
  it('gets one delivery per destination whose event types match', async () => {
    await processEvent(deps(registry()), runEvent('f1', 'SUCCEEDED', 'run.finished'));
    await processEvent(deps(registry()), runEvent('f2', 'RUNNING', 'run.updated'));
    expect((await forwardsOf('f1')).map((delivery) => delivery.destination).sort()).toEqual([
      'http://127.0.0.1:1/all',
      'http://127.0.0.1:1/finished',
    ]);
    expect((await forwardsOf('f2')).map((delivery) => delivery.destination)).toEqual(['http://127.0.0.1:1/all']);
  });
});

import { parseStatusRules } from '@hookline/core';
import { forwardAttempts, forwardDeliveries, webhookEvents } from '@hookline/db';
import { createTestDatabase, type TestDatabase } from '@hookline/db/testing';
import {
  closeConnection,
  createAdminConnection,
  createEventQueue,
  createWorkerConnection,
  EVENTS_QUEUE,
  type EventQueue,
} from '@hookline/queue';
import { removePrefix, testPrefix, testRedisUrl } from '@hookline/queue/testing';
import { createLogger } from '@hookline/runtime';
import { UnrecoverableError, Worker } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../app.js';

const TOKEN = 'admin-token-0123456789';
const bearer = { authorization: `Bearer ${TOKEN}` };
const VIEWER = 'viewer-token-0123456789';
const RULES = `
sources:
  - name: runs
    provider: hmac-sha256
    secrets: [RUNS_SECRET]
    entity: { id: run.id, status: run.status }
    statuses:
      ranks: { queued: 1, running: 2, succeeded: 3 }
      terminal: [succeeded]
`;
const HOSTILE = `<img src=x onerror="alert(1)">`;

let database: TestDatabase;
let connection: Redis;
let queue: EventQueue;
let app: FastifyInstance;
let readOnlyApp: FastifyInstance;
const prefix = testPrefix();

async function build(readOnly: boolean): Promise<FastifyInstance> {
  const rules = parseStatusRules(RULES);
  if (!rules.ok) throw new Error(rules.problems.join());
  return buildApp({
    db: database.client.db,
    queue,
    connection,
    queuePrefix: prefix,
    rules: rules.rules,
    readOnly,
    logger: createLogger({ name: 'explorer-test', level: 'silent' }),
    adminToken: TOKEN,
    viewerTokens: [{ name: 'carol', token: VIEWER }],
  });
}

async function insertEvent(values: Partial<typeof webhookEvents.$inferInsert> & { eventId: string }) {
  const body = JSON.stringify({ run: { id: values.entityId ?? 'run-1', status: values.status ?? 'running' } });
  // A null raw body makes the view store the event as pruned: no body, no payload, no headers.
  const bodyless = values.rawBody === null;
  const [row] = await database.client.db
    .insert(webhookEvents)
    .values({
      source: 'runs',
      eventType: 'run.updated',
      entityId: 'run-1',
      status: 'running',
      payload: bodyless ? null : JSON.parse(body),
      rawBody: body,
      headers: bodyless ? null : { 'content-type': 'application/json' },
      receivedAt: new Date('2026-01-01T00:00:00Z'),
      processedAt: new Date('2026-01-01T00:00:00.250Z'),
      attempts: 1,
      transition: 'applied',
      ...values,
    })
    .returning();
  if (row === undefined) throw new Error('insert failed');
  return row;
}

async function page(url: string, target = app) {
  const response = await target.inject({ method: 'GET', url, headers: bearer });
  return { status: response.statusCode, type: response.headers['content-type'], body: response.body };
}

beforeAll(async () => {
  database = await createTestDatabase();
  connection = createAdminConnection(testRedisUrl());
  queue = createEventQueue(connection, { prefix });
  app = await build(false);
  readOnlyApp = await build(true);
});

afterAll(async () => {
  await app.close();
  await readOnlyApp.close();
  await queue.close();
  await removePrefix(connection, prefix);
  await connection.quit();
  await database.drop();
});

describe('events explorer', () => {
  it('is behind the admin token like every other route', async () => {
    for (const url of ['/ui/events', '/ui/events/runs/x', '/ui/entities/runs/x', '/ui/failed', '/ui/assets/explorer.js']) {
      const response = await app.inject({ method: 'GET', url });
      expect(response.statusCode, url).toBe(401);
    }
  });

  it('searches with the form: empty fields are no filter, a time without offset is UTC', async () => {
    await insertEvent({ eventId: 'search-old', entityId: 'search-1', receivedAt: new Date('2026-02-01T10:00:00Z') });
    await insertEvent({ eventId: 'search-new', entityId: 'search-1', receivedAt: new Date('2026-02-01T11:00:00Z') });
    await insertEvent({ eventId: 'search-other', entityId: 'search-2', receivedAt: new Date('2026-02-01T11:00:00Z') });
    const found = await page('/ui/events?source=runs&entity=search-1&type=&status=&since=2026-02-01T10%3A30');
    expect(found.status).toBe(200);
    expect(found.type).toMatch(/^text\/html/);
    expect(found.body).toContain('href="/ui/events/runs/search-new"');
    expect(found.body).not.toContain('search-old');
    expect(found.body).not.toContain('search-other');
    expect(found.body).toContain('value="search-1"');

    const bad = await page('/ui/events?outcome=sideways');
    expect(bad.status).toBe(400);
    expect(bad.body).toContain('class="notice error"');
  });

  it('shows an event: pretty payload, raw body, headers, forwards with every attempt, and a replay button for those who may replay', async () => {
    const row = await insertEvent({ eventId: 'shown', entityId: 'run-shown', headers: { 'x-request-id': 'req-42' } });
    const [forward] = await database.client.db
      .insert(forwardDeliveries)
      .values({
        webhookEventId: row.id,
        messageId: 'msg-shown',
        destination: 'http://orders.internal/hooks',
        transition: 'applied',
      })
      .returning();
    if (forward === undefined) throw new Error('insert failed');
    await database.client.db.insert(forwardAttempts).values([
      { forwardId: forward.id, destination: forward.destination, attempt: 1, outcome: 'retry', statusCode: 503, durationMs: 12 },
      {
        forwardId: forward.id,
        destination: forward.destination,
        attempt: 2,
        outcome: 'delivered',
        statusCode: 200,
        durationMs: 9,
      },
    ]);
    const shown = await page('/ui/events/runs/shown');
    expect(shown.status).toBe(200);
    expect(shown.body).toContain('{\n  &quot;run&quot;: {\n    &quot;id&quot;: &quot;run-shown&quot;');
    expect(shown.body).toContain('{&quot;run&quot;:{&quot;id&quot;:&quot;run-shown&quot;');
    expect(shown.body).toContain('req-42');
    expect(shown.body).toContain('http://orders.internal/hooks');
    expect(shown.body).toMatch(
      /<td>1<\/td>[\s\S]*<td>retry<\/td><td>503<\/td>[\s\S]*<td>2<\/td>[\s\S]*<td>delivered<\/td><td>200<\/td>/,
    );
    expect(shown.body).toContain('data-replay="/api/events/runs/shown/replay"');
    expect(shown.body).toContain('href="/ui/entities/runs/run-shown"');

    const readOnly = await page('/ui/events/runs/shown', readOnlyApp);
    expect(readOnly.body).not.toContain('data-replay=');
    const viewer = await app.inject({
      method: 'GET',
      url: '/ui/events/runs/shown',
      headers: { authorization: `Bearer ${VIEWER}` },
    });
    expect(viewer.statusCode).toBe(200);
    expect(viewer.body).not.toContain('data-replay=');
  });

  it('shows a pruned event without its body, and without a replay button', async () => {
    await insertEvent({ eventId: 'pruned-shown', rawBody: null });
    const shown = await page('/ui/events/runs/pruned-shown');
    expect(shown.status).toBe(200);
    expect(shown.body).toContain('<pre class="mono" id="raw-body">(pruned: past its payload horizon');
    expect(shown.body).toContain('it cannot be replayed');
    expect(shown.body).not.toContain('data-replay=');
  });

  it('escapes what senders chose: ids, headers and bodies never become markup', async () => {
    await insertEvent({
      eventId: HOSTILE,
      entityId: HOSTILE,
      eventType: HOSTILE,
      headers: { 'x-note': HOSTILE },
      rawBody: `{"note":"</pre>${HOSTILE}"}`,
      payload: { note: `</pre>${HOSTILE}` },
    });
    for (const url of [
      `/ui/events?entity=${encodeURIComponent(HOSTILE)}`,
      `/ui/events/runs/${encodeURIComponent(HOSTILE)}`,
      `/ui/entities/runs/${encodeURIComponent(HOSTILE)}`,
    ]) {
      const shown = await page(url);
      expect(shown.status, url).toBe(200);
      expect(shown.body, url).not.toContain('<img');
      expect(shown.body, url).toContain('&lt;img src=x onerror=&quot;alert(1)&quot;&gt;');
    }
  });

  it("draws an entity's timeline: which events moved it, which were stale, which met a terminal status", async () => {
    const at = (second: number) => new Date(`2026-03-01T00:00:0${second}Z`);
    await insertEvent({ eventId: 't1', entityId: 'timeline', status: 'queued', receivedAt: at(1) });
    await insertEvent({ eventId: 't2', entityId: 'timeline', status: 'running', receivedAt: at(2) });
    await insertEvent({ eventId: 't3', entityId: 'timeline', status: 'queued', receivedAt: at(3), transition: 'stale' });
    await insertEvent({ eventId: 't4', entityId: 'timeline', status: 'succeeded', receivedAt: at(4) });
    await insertEvent({ eventId: 't5', entityId: 'timeline', status: 'running', receivedAt: at(5), transition: 'terminal' });
    await insertEvent({
      eventId: 't6',
      entityId: 'timeline',
      status: 'running',
      receivedAt: at(6),
      processedAt: null,
      transition: null,
    });
    const shown = await page('/ui/entities/runs/timeline');
    expect(shown.status).toBe(200);
    const items = [...shown.body.matchAll(/<li class="(\w+) event">[\s\S]*?href="\/ui\/events\/runs\/(t\d)"/g)].map(
      ([, effect, id]) => `${id}:${effect}`,
    );
    expect(items).toEqual(['t1:moved', 't2:moved', 't3:stale', 't4:moved', 't5:terminal', 't6:pending']);
    expect(shown.body).toContain('moved the entity to succeeded (terminal)');
    expect(shown.body).toContain('offered running: refused, the entity was in a terminal status');
    // The chart: one point per event, filled where it moved the entity, red where it was refused.
    expect([...shown.body.matchAll(/<circle class="(\w+)"/g)].map(([, cls]) => cls)).toEqual([
      'moved',
      'moved',
      'offered',
      'moved',
      'refused',
      'offered',
    ]);

    expect((await page('/ui/entities/runs/nobody')).status).toBe(404);
  });

  it('lists failed jobs with their reasons, as GET /api/failed does', async () => {
    await queue.add(
      'runs',
      {
        source: 'runs',
        eventId: 'doomed',
        eventType: 'run.updated',
        entityId: 'run-doomed',
        status: 'running',
        rawBody: '{}',
        headers: {},
        receivedAt: Date.now(),
      },
      { jobId: 'runs/doomed' },
    );
    const workerConnection = createWorkerConnection(testRedisUrl());
    const worker = new Worker(
      EVENTS_QUEUE,
      async () => {
        throw new UnrecoverableError('handler exploded');
      },
      { connection: workerConnection, prefix },
    );
    try {
      await new Promise<void>((resolve) => worker.on('failed', () => resolve()));
    } finally {
      await worker.close();
      await closeConnection(workerConnection);
    }
    const api = await app.inject({ method: 'GET', url: '/api/failed', headers: bearer });
    expect(api.json()).toEqual({
      total: 1,
      jobs: [
        expect.objectContaining({ jobId: 'runs/doomed', source: 'runs', eventId: 'doomed', failedReason: 'handler exploded' }),
      ],
    });
    const shown = await page('/ui/failed');
    expect(shown.body).toContain('handler exploded');
    expect(shown.body).toContain('href="/ui/events/runs/doomed"');
    expect(shown.body).toContain('data-retry-failed="/api/failed/retry"');
  });
});

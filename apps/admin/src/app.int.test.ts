import { parseStatusRules } from '@hookline/core';
import { createForwards, operatorActions, webhookEvents } from '@hookline/db';
import { createTestDatabase, type TestDatabase } from '@hookline/db/testing';
import { createAdminConnection, createEventQueue, type EventQueue } from '@hookline/queue';
import { removePrefix, testPrefix, testRedisUrl } from '@hookline/queue/testing';
import { createLogger } from '@hookline/runtime';
import { eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from './app.js';

const TOKEN = 'admin-token-0123456789';
const ALICE = 'alice-token-0123456789';
const VIEWER = 'prometheus-token-0123456789';
const bearer = { authorization: `Bearer ${TOKEN}` };

const RULES = `
sources:
  - name: runs
    provider: hmac-sha256
    secrets: [RUNS_SECRET]
    entity: { id: run.id, status: run.status }
    statuses:
      ranks: { queued: 1, running: 2, succeeded: 3 }
      terminal: [succeeded]
  - name: plain
    provider: hmac-sha256
    secrets: [PLAIN_SECRET]
`;

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
    logger: createLogger({ name: 'admin-test', level: 'silent' }),
    adminToken: TOKEN,
    namedTokens: [{ name: 'alice', token: ALICE }],
    viewerTokens: [{ name: 'prometheus', token: VIEWER }],
  });
}

let nextEvent = 0;
async function insertEvent(values: Partial<typeof webhookEvents.$inferInsert> = {}) {
  nextEvent += 1;
  const [row] = await database.client.db
    .insert(webhookEvents)
    .values({
      source: 'runs',
      eventId: `evt-${nextEvent}`,
      eventType: 'run.updated',
      entityId: 'run-1',
      status: 'running',
      payload: { run: { id: 'run-1', status: 'running' } },
      rawBody: '{"run":{"id":"run-1","status":"running"}}',
      headers: { 'content-type': 'application/json' },
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

describe('admin auth', () => {
  const routes: [string, string][] = [
    ['GET', '/api/events'],
    ['GET', '/api/events/runs/evt-1'],
    ['POST', '/api/events/runs/evt-1/replay'],
    ['GET', '/api/entities/runs/run-1'],
    ['POST', '/api/entities/runs/run-1/status'],
    ['POST', '/api/failed/retry'],
    ['GET', '/api/stats'],
    ['GET', '/metrics'],
    ['GET', '/readyz'],
    ['GET', '/queues'],
    ['GET', '/queues/api/queues'],
    ['GET', '/docs'],
    ['GET', '/docs/json'],
    ['GET', '/no-such-route'],
  ];

  for (const [method, url] of routes) {
    it(`answers ${method} ${url} without a token with 401 and a Basic challenge`, async () => {
      const response = await app.inject({ method: method as 'GET', url });
      expect(response.statusCode).toBe(401);
      expect(response.json()).toEqual({ error: { code: 'unauthorized', message: expect.any(String) } });
      expect(response.headers['www-authenticate']).toMatch(/^Basic realm=/);
    });

    it(`answers ${method} ${url} with a wrong token with 401`, async () => {
      const response = await app.inject({
        method: method as 'GET',
        url,
        headers: { authorization: 'Bearer wrong-token-0123456789' },
      });
      expect(response.statusCode).toBe(401);
    });
  }

  it('leaves /healthz open', async () => {
    const response = await app.inject({ method: 'GET', url: '/healthz' });
    expect(response.statusCode).toBe(200);
  });

  it('accepts basic auth with the token as password, whatever the user name', async () => {
    const basic = Buffer.from(`anyone:${TOKEN}`).toString('base64');
    const response = await app.inject({ method: 'GET', url: '/readyz', headers: { authorization: `Basic ${basic}` } });
    expect(response.statusCode).toBe(200);
  });

  it('rejects basic auth whose password is not a token', async () => {
    const basic = Buffer.from(`admin:not-the-token`).toString('base64');
    const response = await app.inject({ method: 'GET', url: '/readyz', headers: { authorization: `Basic ${basic}` } });
    expect(response.statusCode).toBe(401);
  });

  it('serves Bull Board and the OpenAPI document to a token holder', async () => {
    expect((await app.inject({ method: 'GET', url: '/queues', headers: bearer })).statusCode).toBe(200);
    const spec = (await app.inject({ method: 'GET', url: '/docs/json', headers: bearer })).json();
    expect(Object.keys(spec.paths)).toEqual(
      expect.arrayContaining([
        '/api/events',
        '/api/events/{source}/{eventId}',
        '/api/events/{source}/{eventId}/replay',
        '/api/entities/{source}/{entityId}',
        '/api/entities/{source}/{entityId}/status',
        '/api/failed/retry',
        '/api/stats',
      ]),
    );
    expect(spec.paths['/api/events'].get.parameters.map((parameter: { name: string }) => parameter.name)).toEqual(
      expect.arrayContaining(['source', 'type', 'entity', 'transition', 'since', 'until', 'limit', 'cursor']),
    );
  });
});

describe('cross-site protection', () => {
  const mutations: [string, string][] = [
    ['POST', '/api/failed/retry'],
    ['POST', '/api/events/runs/evt-1/replay'],
    ['POST', '/api/entities/runs/run-1/status'],
    ['PUT', '/queues/api/queues/events/retry/failed'],
    ['PUT', '/queues/api/queues/events/pause'],
    ['DELETE', '/queues/api/queues/events/clean/completed'],
  ];

  it.each(
    mutations.flatMap(([method, url]) => [
      [method, url, { 'sec-fetch-site': 'cross-site' }],
      [method, url, { 'sec-fetch-site': 'same-site' }],
      [method, url, { origin: 'https://evil.example' }],
      [method, url, { origin: 'null' }],
    ]),
  )('refuses %s %s from another site (%o) with 403 forbidden_origin, token or not', async (method, url, foreign) => {
    for (const auth of [bearer, {}]) {
      const response = await app.inject({ method: method as 'POST', url, headers: { ...auth, ...foreign } });
      expect(response.statusCode).toBe(403);
      expect(response.json()).toEqual({ error: { code: 'forbidden_origin', message: expect.any(String) } });
    }
  });

  it('lets the admin itself, a typed URL and scripts without browser headers change things', async () => {
    const url = '/api/failed/retry';
    for (const own of [
      { origin: 'http://localhost:80', host: 'localhost:80', 'sec-fetch-site': 'same-origin' },
      { 'sec-fetch-site': 'none' },
      {},
    ]) {
      const response = await app.inject({ method: 'POST', url, headers: { ...bearer, ...own } });
      expect(response.statusCode, JSON.stringify(own)).toBe(200);
    }
  });

  it('reads what a browser sends on a GET from another site, since a GET changes nothing', async () => {
    const response = await app.inject({
      method: 'GET',
      url: '/api/stats',
      headers: { ...bearer, 'sec-fetch-site': 'cross-site' },
    });
    expect(response.statusCode).toBe(200);
  });

  it.each([
    ['text/plain', '{"source":"runs"}'],
    ['application/x-www-form-urlencoded', 'a=1'],
    ['multipart/form-data; boundary=x', '--x--'],
    ['text/plain', ''],
  ])('answers an API change sent as %s with 415 unsupported_media_type', async (type, payload) => {
    const response = await app.inject({
      method: 'POST',
      url: '/api/events/runs/evt-1/replay',
      headers: { ...bearer, 'content-type': type },
      payload,
    });
    expect(response.statusCode).toBe(415);
    expect(response.json().error.code).toBe('unsupported_media_type');
  });

  it('takes an API change with a JSON body, or with no body where the route needs none', async () => {
    const json = await app.inject({ method: 'POST', url: '/api/failed/retry', headers: bearer, payload: {} });
    expect(json.statusCode).toBe(200);
    const empty = await app.inject({ method: 'POST', url: '/api/failed/retry', headers: bearer });
    expect(empty.statusCode).toBe(200);
  });

  it.each([
    ['GET', '/api/stats', bearer],
    ['GET', '/queues', bearer],
    ['GET', '/docs/json', bearer],
    ['GET', '/api/events', {}],
    ['GET', '/no-such-route', bearer],
    ['POST', '/api/failed/retry', { ...bearer, origin: 'https://evil.example' }],
    ['GET', '/healthz', {}],
  ])('sends the security headers on %s %s', async (method, url, headers) => {
    const response = await app.inject({ method: method as 'GET', url, headers });
    expect(response.headers).toMatchObject({
      'content-security-policy': "frame-ancestors 'none'",
      'x-frame-options': 'DENY',
      'x-content-type-options': 'nosniff',
      'cache-control': 'no-store',
    });
  });
});

describe('a viewer token', () => {
  const viewer = { authorization: `Bearer ${VIEWER}` };

  it('reads metrics, the API and Bull Board', async () => {
    for (const url of ['/metrics', '/api/events', '/queues/api/queues']) {
      expect((await app.inject({ method: 'GET', url, headers: viewer })).statusCode, url).toBe(200);
    }
  });

  it.each([
    ['POST', '/api/failed/retry'],
    ['POST', '/api/events/runs/evt-1/replay'],
    ['POST', '/api/entities/runs/run-1/status'],
    ['PUT', '/queues/api/queues/events/retry/failed'],
  ])('is refused %s %s with 403 read_only, also on an admin that is not read-only', async (method, url) => {
    const response = await app.inject({ method: method as 'POST', url, headers: viewer, payload: {} });
    expect(response.statusCode).toBe(403);
    expect(response.json().error.code).toBe('read_only');
  });
});

describe('Bull Board read-only mode', () => {
  it('refuses to retry from Bull Board when the admin is read-only, and allows it otherwise', async () => {
    const retryAll = { method: 'PUT' as const, url: '/queues/api/queues/events/retry/failed', headers: bearer };
    const refused = await readOnlyApp.inject(retryAll);
    expect(refused.statusCode).toBeGreaterThanOrEqual(400);
    expect(refused.statusCode).toBeLessThan(500);
    expect((await app.inject(retryAll)).statusCode).toBeLessThan(300);
    const queues = (await readOnlyApp.inject({ method: 'GET', url: '/queues/api/queues', headers: bearer })).json();
    expect(queues.queues[0]).toMatchObject({ name: 'events', readOnlyMode: true, allowRetries: false });
  });
});

describe('GET /api/events', () => {
  let source: string;
  beforeAll(async () => {
    // A source of its own keeps these rows apart from other tests' rows.
    source = 'filters';
    await insertEvent({
      source,
      eventId: 'f1',
      eventType: 'a',
      entityId: 'e1',
      transition: 'applied',
      receivedAt: new Date('2026-02-01T10:00:00Z'),
    });
    await insertEvent({
      source,
      eventId: 'f2',
      eventType: 'b',
      entityId: 'e1',
      transition: 'stale',
      receivedAt: new Date('2026-02-01T11:00:00Z'),
    });
    await insertEvent({
      source,
      eventId: 'f3',
      eventType: 'a',
      entityId: 'e2',
      transition: 'applied',
      receivedAt: new Date('2026-02-01T12:00:00Z'),
    });
  });

  async function ids(query: string): Promise<string[]> {
    const response = await app.inject({ method: 'GET', url: `/api/events?source=${source}&${query}`, headers: bearer });
    expect(response.statusCode).toBe(200);
    return response.json().events.map((event: { eventId: string }) => event.eventId);
  }

  it('lists newest first and filters by type, entity, transition and time range', async () => {
    expect(await ids('')).toEqual(['f3', 'f2', 'f1']);
    expect(await ids('type=a')).toEqual(['f3', 'f1']);
    expect(await ids('entity=e1')).toEqual(['f2', 'f1']);
    expect(await ids('transition=stale')).toEqual(['f2']);
    expect(await ids('since=2026-02-01T11:00:00Z')).toEqual(['f3', 'f2']);
    expect(await ids('until=2026-02-01T11:00:00Z')).toEqual(['f1']);
    expect(await ids('since=2026-02-01T10:30:00%2B00:00&until=2026-02-01T11:30:00Z')).toEqual(['f2']);
  });

  it('filters by the status carried and by processing outcome', async () => {
    await insertEvent({ source: 'outcomes', eventId: 'o-done', status: 'queued' });
    await insertEvent({ source: 'outcomes', eventId: 'o-failing', processedAt: null, transition: null, lastError: 'boom' });
    await insertEvent({ source: 'outcomes', eventId: 'o-pending', processedAt: null, transition: null });
    const outcomeIds = async (query: string) =>
      (await app.inject({ method: 'GET', url: `/api/events?source=outcomes&${query}`, headers: bearer }))
        .json()
        .events.map((event: { eventId: string }) => event.eventId);
    expect(await outcomeIds('status=queued')).toEqual(['o-done']);
    expect(await outcomeIds('outcome=processed')).toEqual(['o-done']);
    expect(await outcomeIds('outcome=failing')).toEqual(['o-failing']);
    expect(await outcomeIds('outcome=pending')).toEqual(['o-pending']);
  });

  it('returns the summary fields with ISO timestamps', async () => {
    const response = await app.inject({ method: 'GET', url: `/api/events?source=${source}&limit=1`, headers: bearer });
    expect(response.json().events[0]).toEqual({
      id: expect.any(Number),
      source,
      eventId: 'f3',
      eventType: 'a',
      entityId: 'e2',
      status: 'running',
      transition: 'applied',
      receivedAt: '2026-02-01T12:00:00.000Z',
      processedAt: '2026-01-01T00:00:00.250Z',
      attempts: 1,
      lastError: null,
    });
  });

  it('pages with a keyset cursor that stays stable while new events are inserted', async () => {
    const paged = 'paged';
    for (let i = 0; i < 25; i += 1) await insertEvent({ source: paged, eventId: `p${i}` });
    const seen: string[] = [];
    let cursor: string | null = null;
    let page = 0;
    do {
      const url: string = `/api/events?source=${paged}&limit=10${cursor ? `&cursor=${cursor}` : ''}`;
      const response = await app.inject({ method: 'GET', url, headers: bearer });
      const body = response.json();
      seen.push(...body.events.map((event: { eventId: string }) => event.eventId));
      cursor = body.nextCursor;
      page += 1;
      // New deliveries land between pages: they must not shift or repeat what follows.
      await Promise.all([
        insertEvent({ source: paged, eventId: `new${page}a` }),
        insertEvent({ source: paged, eventId: `new${page}b` }),
      ]);
    } while (cursor !== null);
    expect(seen).toEqual(Array.from({ length: 25 }, (_, i) => `p${24 - i}`));
    expect(page).toBe(3);
  });

  it('answers bad query strings with 400 in the contract error shape', async () => {
    for (const query of [
      'limit=0',
      'limit=501',
      'limit=ten',
      'transition=sideways',
      'outcome=done',
      'since=yesterday',
      'sorce=runs',
    ]) {
      const response = await app.inject({ method: 'GET', url: `/api/events?${query}`, headers: bearer });
      expect(response.statusCode, query).toBe(400);
      expect(response.json(), query).toEqual({
        error: { code: 'invalid_request', message: expect.stringMatching(/^querystring/) },
      });
    }
  });

  it('answers a forged cursor with 400 invalid_cursor', async () => {
    const response = await app.inject({ method: 'GET', url: '/api/events?cursor=bm9wZQ', headers: bearer });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('invalid_cursor');
  });
});

describe('GET /api/events/:source/:eventId', () => {
  it('returns payload, raw body, headers, transition and timings', async () => {
    const row = await insertEvent({ eventId: 'detail-1' });
    const response = await app.inject({ method: 'GET', url: '/api/events/runs/detail-1', headers: bearer });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      event: expect.objectContaining({
        id: row.id,
        eventId: 'detail-1',
        payload: { run: { id: 'run-1', status: 'running' } },
        rawBody: '{"run":{"id":"run-1","status":"running"}}',
        headers: { 'content-type': 'application/json' },
        transition: 'applied',
        timings: { receivedAt: '2026-01-01T00:00:00.000Z', processedAt: '2026-01-01T00:00:00.250Z', receiptToCommitMs: 250 },
      }),
      replays: [],
      forwards: [],
    });
  });

  it('shows forward destinations without their credentials', async () => {
    const row = await insertEvent({ eventId: 'detail-forwarded' });
    await createForwards(database.client.db, [
      {
        webhookEventId: row.id,
        messageId: 'msg_detail_forwarded',
        destination: 'https://hook:pa55word@orders.internal/in?token=s3cret',
        entityStatus: null,
        transition: 'applied',
        replay: false,
      },
    ]);
    const response = await app.inject({ method: 'GET', url: '/api/events/runs/detail-forwarded', headers: bearer });
    expect(response.json().forwards.map((forward: { destination: string }) => forward.destination)).toEqual([
      'https://orders.internal/in?token=redacted',
    ]);
    expect(response.body).not.toContain('pa55word');
    expect(response.body).not.toContain('s3cret');
  });

  it('marks a pruned event, whose payload, raw body and headers read null, in the detail and the list', async () => {
    await insertEvent({ source: 'pruned-src', eventId: 'pruned-1', rawBody: null });
    const detail = await app.inject({ method: 'GET', url: '/api/events/pruned-src/pruned-1', headers: bearer });
    expect(detail.statusCode).toBe(200);
    expect(detail.json().event).toMatchObject({ eventId: 'pruned-1', pruned: true, payload: null, rawBody: null, headers: null });
    const list = await app.inject({ method: 'GET', url: '/api/events?source=pruned-src', headers: bearer });
    expect(list.json().events).toEqual([expect.objectContaining({ eventId: 'pruned-1', pruned: true })]);
    const kept = await app.inject({ method: 'GET', url: '/api/events/runs/detail-1', headers: bearer });
    expect(kept.json().event).not.toHaveProperty('pruned');
  });

  it('answers an unknown event with 404 event_not_found', async () => {
    const response = await app.inject({ method: 'GET', url: '/api/events/runs/nope', headers: bearer });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual({ error: { code: 'event_not_found', message: expect.any(String) } });
  });
});

describe('POST /api/events/:source/:eventId/replay', () => {
  it('queues the stored event as a new prioritized job marked replay, and audits who asked', async () => {
    await insertEvent({ eventId: 'replay-me', entityId: 'run-r' });
    const basic = Buffer.from(`x:${ALICE}`).toString('base64');
    const response = await app.inject({
      method: 'POST',
      url: '/api/events/runs/replay-me/replay',
      headers: { authorization: `Basic ${basic}` },
      payload: { reason: 'handler bug fixed' },
    });
    expect(response.statusCode).toBe(202);
    const { jobId } = response.json();
    expect(jobId).toMatch(/^runs\/%replay-/);
    const job = await queue.getJob(jobId);
    expect(job?.data).toMatchObject({ source: 'runs', eventId: 'replay-me', entityId: 'run-r', replay: true });
    expect(job?.opts.priority).toBeGreaterThan(0);
    const [audit] = await database.client.db.select().from(operatorActions).where(eq(operatorActions.jobId, jobId));
    expect(audit).toMatchObject({
      actor: 'alice',
      action: 'replay',
      source: 'runs',
      eventId: 'replay-me',
      reason: 'handler bug fixed',
      result: null,
    });
  });

  it('rebuilds the payload of a form-encoded body as the ingester did', async () => {
    await insertEvent({
      eventId: 'replay-form',
      rawBody: 'a=1&b=two',
      payload: { a: '1', b: 'two' },
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    const response = await app.inject({ method: 'POST', url: '/api/events/runs/replay-form/replay', headers: bearer });
    const job = await queue.getJob(response.json().jobId);
    expect(job?.data).toMatchObject({ rawBody: 'a=1&b=two', payloadJson: '{"a":"1","b":"two"}', replay: true });
  });

  it('answers 404 for an event that was never stored', async () => {
    const response = await app.inject({ method: 'POST', url: '/api/events/runs/never/replay', headers: bearer });
    expect(response.statusCode).toBe(404);
  });

  it('is refused with 409 event_pruned for an event past its payload horizon, and audits nothing', async () => {
    await insertEvent({ eventId: 'replay-pruned', rawBody: null });
    const response = await app.inject({ method: 'POST', url: '/api/events/runs/replay-pruned/replay', headers: bearer });
    expect(response.statusCode).toBe(409);
    expect(response.json()).toEqual({ error: { code: 'event_pruned', message: expect.stringContaining('replay-pruned') } });
    const audits = await database.client.db.select().from(operatorActions).where(eq(operatorActions.eventId, 'replay-pruned'));
    expect(audits).toEqual([]);
  });

  it('is refused with 403 read_only in read-only mode', async () => {
    const response = await readOnlyApp.inject({ method: 'POST', url: '/api/events/runs/replay-me/replay', headers: bearer });
    expect(response.statusCode).toBe(403);
    expect(response.json().error.code).toBe('read_only');
  });
});

describe('GET /api/storage', () => {
  it('gives the size of each table and the events and oldest event of each source', async () => {
    await insertEvent({ source: 'storage-src', eventId: 'st-1', receivedAt: new Date('2026-03-01T00:00:00Z') });
    await insertEvent({ source: 'storage-src', eventId: 'st-2', receivedAt: new Date('2026-03-02T00:00:00Z') });
    expect((await app.inject({ method: 'GET', url: '/api/storage' })).statusCode).toBe(401);
    const response = await app.inject({ method: 'GET', url: '/api/storage', headers: bearer });
    expect(response.statusCode).toBe(200);
    const figures = response.json();
    expect(figures.tables.map((table: { table: string }) => table.table)).toEqual([
      'webhook_event_rows',
      'webhook_event_bodies',
      'forward_deliveries',
      'forward_attempts',
      'operator_actions',
      'entity_states',
    ]);
    expect(figures.tables[0].bytes).toBeGreaterThan(0);
    expect(figures.sources).toContainEqual({
      source: 'storage-src',
      events: 2,
      estimated: false,
      oldestReceivedAt: '2026-03-01T00:00:00.000Z',
    });
    expect(figures.lastPass).toBeNull();
  });
});

describe('entities', () => {
  it('returns the current state and the history in order, and 404 for an unknown entity', async () => {
    await insertEvent({ entityId: 'hist', eventId: 'h1', status: 'queued', receivedAt: new Date('2026-03-01T00:00:01Z') });
    await insertEvent({ entityId: 'hist', eventId: 'h2', status: 'running', receivedAt: new Date('2026-03-01T00:00:02Z') });
    const override = await app.inject({
      method: 'POST',
      url: '/api/entities/runs/hist/status',
      headers: bearer,
      payload: { status: 'succeeded', reason: 'confirmed by the provider support' },
    });
    expect(override.statusCode).toBe(200);
    const response = await app.inject({ method: 'GET', url: '/api/entities/runs/hist', headers: bearer });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.state).toMatchObject({ status: 'succeeded', rank: 3, terminal: true, lastEventId: override.json().eventId });
    expect(body.events.map((event: { eventId: string }) => event.eventId)).toEqual(['h1', 'h2', override.json().eventId]);
    expect(body.events[2].transition).toBe('override');
    expect(body.replays).toEqual([]);

    const missing = await app.inject({ method: 'GET', url: '/api/entities/runs/nobody', headers: bearer });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe('entity_not_found');
  });

  it('overrides out of a terminal status, recording who and why', async () => {
    const headers = { authorization: `Bearer ${ALICE}` };
    await app.inject({
      method: 'POST',
      url: '/api/entities/runs/ov/status',
      headers,
      payload: { status: 'succeeded', reason: 'first' },
    });
    const response = await app.inject({
      method: 'POST',
      url: '/api/entities/runs/ov/status',
      headers,
      payload: { status: 'queued', reason: 'provider re-opened the run' },
    });
    expect(response.json()).toMatchObject({ status: 'queued', previous: 'succeeded' });
    const audit = await database.client.db.select().from(operatorActions).where(eq(operatorActions.entityId, 'ov'));
    expect(audit.map((row) => [row.actor, row.action, row.reason, row.detail])).toEqual([
      ['alice', 'override', 'first', { from: null, to: 'succeeded' }],
      ['alice', 'override', 'provider re-opened the run', { from: 'succeeded', to: 'queued' }],
    ]);
    const [event] = await database.client.db
      .select()
      .from(webhookEvents)
      .where(eq(webhookEvents.eventId, response.json().eventId));
    expect(event).toMatchObject({
      transition: 'override',
      status: 'queued',
      entityId: 'ov',
      payload: expect.objectContaining({ actor: 'alice' }),
    });
  });

  it('validates an override: unknown source 404, unknown status 400, missing reason 400, read-only 403', async () => {
    const post = (target: FastifyInstance, url: string, payload: object) =>
      target.inject({ method: 'POST', url, headers: bearer, payload });
    expect((await post(app, '/api/entities/ghost/x/status', { status: 'queued', reason: 'r' })).json().error.code).toBe(
      'unknown_source',
    );
    expect((await post(app, '/api/entities/runs/x/status', { status: 'paused', reason: 'r' })).json().error.code).toBe(
      'unknown_status',
    );
    expect((await post(app, '/api/entities/plain/x/status', { status: 'queued', reason: 'r' })).json().error.code).toBe(
      'no_statuses',
    );
    const noReason = await post(app, '/api/entities/runs/x/status', { status: 'queued' });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.json().error).toEqual({ code: 'invalid_request', message: expect.stringMatching(/^body: reason/) });
    expect((await post(readOnlyApp, '/api/entities/runs/x/status', { status: 'queued', reason: 'r' })).statusCode).toBe(403);
  });
});

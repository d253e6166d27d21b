import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findEvent } from '../events-query.js';
import { claimEvents, eventKey, markProcessed } from '../events-repository.js';
import { createForwards, startForwardAttempt } from '../forwards-repository.js';
import { recordOperatorAction } from '../operator-actions.js';
import { createTestDatabase, type TestDatabase } from '../testing.js';
import { RETENTION_LOCK, runRetentionPass } from './pass.js';
import { addDays, type RetentionPolicy, startOfUtcDay } from './policy.js';
import { readStorageFigures } from './storage-figures.js';

let database: TestDatabase;
const DAY = 24 * 60 * 60 * 1000;

const policy: RetentionPolicy = {
  defaults: { payloadDays: 30, eventDays: 90 },
  sources: new Map([
    ['short', { payloadDays: 7, eventDays: 14 }],
    ['long', { payloadDays: 30, eventDays: 90 }],
  ]),
  auditDays: 365,
};

// One instant every test stores its events at: the pass is then run at chosen later clocks.
const received = new Date();

beforeAll(async () => {
  database = await createTestDatabase();
  // Stores the horizons, as a worker does before it takes events: bodies take their expiry day from them.
  await runRetentionPass(database.client, { now: received, policy });
});

afterAll(async () => {
  await database.drop();
});

async function store(source: string, eventId: string, at = received): Promise<number> {
  return database.client.db.transaction(async (tx) => {
    const claimed = await claimEvents(tx, [
      {
        source,
        eventId,
        eventType: 'thing.happened',
        entityId: null,
        status: null,
        rawBody: `{"id":"${eventId}"}`,
        headers: { 'content-type': 'application/json' },
        receivedAt: at.getTime(),
      },
    ]);
    const id = claimed.get(eventKey({ source, eventId }));
    if (id === undefined) throw new Error(`${eventId} not claimed`);
    await markProcessed(tx, [{ id, transition: 'none' }]);
    return id;
  });
}

async function read(source: string, eventId: string) {
  const row = await findEvent(database.client.db, source, eventId);
  return row && { payload: row.payload, rawBody: row.rawBody, headers: row.headers, pruned: row.pruned };
}

const kept = (eventId: string) => ({
  payload: { id: eventId },
  rawBody: `{"id":"${eventId}"}`,
  headers: { 'content-type': 'application/json' },
  pruned: false,
});
const pruned = { payload: null, rawBody: null, headers: null, pruned: true };

/** The first midnight (UTC) after `payloadDays` from `received`: when a body goes. */
function bodyHorizon(payloadDays: number): Date {
  return addDays(startOfUtcDay(received), payloadDays + 1);
}

describe('a retention pass', () => {
  it('prunes each source at its own payload horizon, and removes its events at its own event horizon', async () => {
    await store('short', 'h-short');
    await store('long', 'h-long');
    const pass = (now: Date) => runRetentionPass(database.client, { now, policy });

    await pass(new Date(bodyHorizon(7).getTime() - 1));
    expect(await read('short', 'h-short')).toEqual(kept('h-short'));

    const prune = await pass(bodyHorizon(7));
    expect(await read('short', 'h-short')).toEqual(pruned);
    expect(await read('long', 'h-long')).toEqual(kept('h-long'));
    expect(prune.removed).toContainEqual({ source: 'short', table: 'webhook_event_bodies', kind: 'payload', rows: 1 });

    await pass(new Date(received.getTime() + 14 * DAY));
    expect(await read('short', 'h-short')).toEqual(pruned);
    const remove = await pass(new Date(received.getTime() + 14 * DAY + 1));
    expect(await read('short', 'h-short')).toBeUndefined();
    expect(remove.removed).toContainEqual({ source: 'short', table: 'webhook_event_rows', kind: 'event', rows: 1 });

    await pass(new Date(bodyHorizon(30).getTime() - 1));
    expect(await read('long', 'h-long')).toEqual(kept('h-long'));
    await pass(bodyHorizon(30));
    expect(await read('long', 'h-long')).toEqual(pruned);
    await pass(new Date(received.getTime() + 90 * DAY));
    expect(await read('long', 'h-long')).toEqual(pruned);
    await pass(new Date(received.getTime() + 90 * DAY + 1));
    expect(await read('long', 'h-long')).toBeUndefined();
  });

  it('counts in a dry run what it would remove, and removes nothing', async () => {
    await store('short', 'dry-1');
    const now = new Date(received.getTime() + 15 * DAY);
    const report = await runRetentionPass(database.client, { now, policy, dryRun: true });
    expect(report.dryRun).toBe(true);
    expect(report.removed).toContainEqual({ source: 'short', table: 'webhook_event_rows', kind: 'event', rows: 1 });
    expect(await read('short', 'dry-1')).toEqual(kept('dry-1'));
  });

  it("removes an event's forwards and their attempts with it", async () => {
    const id = await store('short', 'fwd-1');
    const db = database.client.db;
    await createForwards(db, [
      {
        webhookEventId: id,
        messageId: 'msg-fwd-1',
        destination: 'https://a.example',
        entityStatus: null,
        transition: 'none',
        replay: false,
      },
    ]);
    const [delivery] = await db.execute<{ id: string }>(sql`select id from forward_deliveries where message_id = 'msg-fwd-1'`);
    await startForwardAttempt(db, Number(delivery?.id));
    await startForwardAttempt(db, Number(delivery?.id));

    const report = await runRetentionPass(database.client, { now: new Date(received.getTime() + 15 * DAY), policy });

    expect(report.removed).toContainEqual({ source: 'short', table: 'forward_deliveries', kind: 'forward_delivery', rows: 1 });
    expect(report.removed).toContainEqual({ source: 'short', table: 'forward_attempts', kind: 'forward_attempt', rows: 2 });
    const [left] = await db.execute<{ n: number }>(sql`
      select (select count(*) from forward_deliveries where message_id = 'msg-fwd-1')::int
           + (select count(*) from forward_attempts where delivery_id = ${Number(delivery?.id)})::int as n`);
    expect(left?.n).toBe(0);
  });

  it('keeps the audit trail for its own horizon', async () => {
    const db = database.client.db;
    await recordOperatorAction(db, { actor: 'ops', action: 'override', source: 'long', reason: 'audit-horizon' });
    const [row] = await db.execute<{ at: Date }>(sql`select at from operator_actions where reason = 'audit-horizon'`);
    const at = new Date(row?.at ?? 0);
    const count = async () =>
      (await db.execute<{ n: number }>(sql`select count(*)::int as n from operator_actions where reason = 'audit-horizon'`))[0]
        ?.n;

    await runRetentionPass(database.client, { now: new Date(at.getTime() + 365 * DAY), policy });
    expect(await count()).toBe(1);
    const report = await runRetentionPass(database.client, { now: new Date(at.getTime() + 365 * DAY + 1), policy });
    expect(await count()).toBe(0);
    expect(report.removed).toContainEqual({ source: 'long', table: 'operator_actions', kind: 'operator_action', rows: 1 });
  });

  it('does the work once when two passes run at once', async () => {
    for (let i = 0; i < 50; i += 1) await store('short', `twice-${i}`);
    const now = new Date(received.getTime() + 15 * DAY);
    const reports = await Promise.all([1, 2].map(() => runRetentionPass(database.client, { now, policy, batchSize: 7 })));
    const removed = reports
      .flatMap((report) => report.removed)
      .filter((removal) => removal.kind === 'event' && removal.source === 'short')
      .reduce((sum, removal) => sum + removal.rows, 0);
    expect(removed).toBe(50);
    const [left] = await database.client.db.execute<{ n: number }>(
      sql`select count(*)::int as n from webhook_event_rows where event_id like 'twice-%'`,
    );
    expect(left?.n).toBe(0);
  });

  it('passes over a row the worker holds (a redelivery being claimed) instead of waiting for it', async () => {
    await store('short', 'held-1');
    await store('short', 'held-2');
    const now = new Date(received.getTime() + 15 * DAY);
    let release: () => void = () => {};
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    let claimed: () => void = () => {};
    const holding = new Promise<void>((resolve) => {
      claimed = resolve;
    });
    const worker = database.client.db.transaction(async (tx) => {
      // A redelivery of a processed event: the claim locks its row until the transaction ends.
      await claimEvents(tx, [
        {
          source: 'short',
          eventId: 'held-1',
          eventType: null,
          entityId: null,
          status: null,
          rawBody: '{}',
          headers: {},
          receivedAt: Date.now(),
        },
      ]);
      claimed();
      await released;
    });
    await holding;
    const report = await runRetentionPass(database.client, { now, policy });
    release();
    await worker;
    expect(await read('short', 'held-1')).toEqual(pruned);
    expect(await read('short', 'held-2')).toBeUndefined();
    expect(report.ran).toBe(true);
    await runRetentionPass(database.client, { now, policy });
    expect(await read('short', 'held-1')).toBeUndefined();
  });

  it('does nothing while another pass holds the lock', async () => {
    await store('short', 'locked-1');
    const other = await database.client.sql.reserve();
    try {
      await other`select pg_advisory_lock(${RETENTION_LOCK})`;
      const report = await runRetentionPass(database.client, { now: new Date(received.getTime() + 15 * DAY), policy });
      expect(report).toMatchObject({ ran: false, removed: [] });
      expect(await read('short', 'locked-1')).toEqual(kept('locked-1'));
    } finally {
      await other`select pg_advisory_unlock(${RETENTION_LOCK})`;
      other.release();
    }
  });

  it('creates the partitions ahead of the longest horizon and drops those whose day has come', async () => {
    const now = addDays(startOfUtcDay(received), 40);
    const report = await runRetentionPass(database.client, { now, policy });
    const [first] = await database.client.db.execute<{ n: number }>(sql`
      select count(*)::int as n from pg_inherits i join pg_class c on c.oid = i.inhrelid
      where i.inhparent = 'webhook_event_bodies'::regclass and c.relname <= ${`webhook_event_bodies_${now.toISOString().slice(0, 10).replaceAll('-', '')}`}
        and c.relname <> 'webhook_event_bodies_default'`);
    expect(first?.n).toBe(0);
    expect(report.partitions.created).toContain(
      `webhook_event_bodies_${addDays(now, 30 + 1)
        .toISOString()
        .slice(0, 10)
        .replaceAll('-', '')}`,
    );
  });
});

describe('storage figures', () => {
  it('give the size of each table, and the rows, oldest event and last pass per source', async () => {
    await store('figures', 'fig-1', new Date(received.getTime() - 1000));
    await store('figures', 'fig-2');
    const figures = await readStorageFigures(database.client.db);
    expect(figures.tables.map(({ table }) => table)).toContain('webhook_event_bodies');
    expect(figures.tables.find(({ table }) => table === 'webhook_event_rows')?.bytes).toBeGreaterThan(0);
    expect(figures.sources.find(({ source }) => source === 'figures')).toEqual({
      source: 'figures',
      events: 2,
      estimated: false,
      oldestReceivedAt: new Date(received.getTime() - 1000),
    });
    expect(figures.lastPass?.finishedAt).toBeInstanceOf(Date);
  });
});

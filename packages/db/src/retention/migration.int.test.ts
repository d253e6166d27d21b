import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { drizzle } from 'drizzle-orm/postgres-js';
import { migrate } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimEvents, eventKey, markProcessed } from '../events-repository.js';
import { ensureDatabase, migrateDatabase } from '../migrate.js';
import { createTestDatabase, type TestDatabase } from '../testing.js';
import { runRetentionPass } from './pass.js';

const DAY = 24 * 60 * 60 * 1000;
const ROWS = 3000;
let database: TestDatabase;
let before: Record<string, unknown>[];
const now = new Date();

/** Applies the migrations before retention (0000–0003): the schema of an existing installation. */
async function migrateToSingleTable(url: string): Promise<void> {
  const folder = mkdtempSync(join(tmpdir(), 'hookline-migrations-'));
  try {
    cpSync(fileURLToPath(new URL('../../drizzle', import.meta.url)), folder, { recursive: true });
    const journalPath = join(folder, 'meta', '_journal.json');
    const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as { entries: { tag: string }[] };
    journal.entries = journal.entries.filter(({ tag }) => tag < '0004');
    writeFileSync(journalPath, JSON.stringify(journal));
    const sql = postgres(url, { max: 1, onnotice: () => {} });
    try {
      await migrate(drizzle(sql), { migrationsFolder: folder });
    } finally {
      await sql.end();
    }
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

const contract = `select id, source, event_id, event_type, entity_id, status, payload, raw_body, headers,
  received_at, processed_at, attempts, last_error, transition from webhook_events order by id`;

beforeAll(async () => {
  database = await createTestDatabase({ migrate: false });
  await ensureDatabase(database.url);
  await migrateToSingleTable(database.url);
  const { sql } = database.client;
  // An installation's history: events of two sources over 100 days, some failing, some forwarded.
  await sql`
    insert into webhook_events (source, event_id, event_type, entity_id, status, payload, raw_body, headers,
                                received_at, processed_at, attempts, last_error, transition)
    select case when i % 2 = 0 then 'orders' else 'payments' end, 'old-' || i, 'thing.done', 'e' || (i % 7), 'done',
           jsonb_build_object('n', i), '{"n":' || i || '}', '{"content-type":"application/json"}'::jsonb,
           ${now.toISOString()}::timestamptz - make_interval(secs => i * 2880), 
           case when i % 10 = 0 then null else ${now.toISOString()}::timestamptz - make_interval(secs => i * 2880) end,
           1, case when i % 10 = 0 then 'boom' end, case when i % 10 = 0 then null else 'applied' end
    from generate_series(1, ${ROWS}) as i`;
  await sql`
    insert into forward_deliveries (message_id, webhook_event_id, destination, transition)
    select 'msg-' || id, id, 'https://a.example', 'applied' from webhook_events where id % 100 = 0`;
  before = await sql.unsafe(contract);
  await migrateDatabase(database.url);
});

afterAll(async () => {
  await database.drop();
});

describe('migration 0004 on an installation that holds events', () => {
  it('keeps every row, readable with every contract column under the name webhook_events', async () => {
    const after = await database.client.sql.unsafe(contract);
    expect(after).toHaveLength(ROWS);
    expect(after).toEqual(before);
    const [forwards] = await database.client.sql<{ n: number }[]>`
      select count(*)::int as n from forward_deliveries d join webhook_events e on e.id = d.webhook_event_id`;
    expect(forwards?.n).toBe(ROWS / 100);
  });

  it('keeps old ids duplicates and stores new events in the new layout', async () => {
    const claimed = await database.client.db.transaction(async (tx) => {
      const events = ['old-2', 'new-1'].map((eventId) => ({
        source: 'orders',
        eventId,
        eventType: 'thing.done',
        entityId: null,
        status: null,
        rawBody: '{"n":0}',
        headers: {},
        receivedAt: Date.now(),
      }));
      const ids = await claimEvents(tx, events);
      await markProcessed(
        tx,
        [...ids.values()].map((id) => ({ id, transition: 'none' as const })),
      );
      return ids;
    });
    expect([...claimed.keys()]).toEqual([eventKey({ source: 'orders', eventId: 'new-1' })]);
    const [row] = await database.client.sql`select payload, raw_body, pruned from webhook_events where event_id = 'new-1'`;
    expect(row).toEqual({ payload: { n: 0 }, raw_body: '{"n":0}', pruned: false });
  });

  it('prunes old bodies at the payload horizon and removes old events at the event horizon', async () => {
    const policy = { defaults: { payloadDays: 30, eventDays: 90 }, sources: new Map(), auditDays: 365 };
    const report = await runRetentionPass(database.client, { now, policy });
    const [counts] = await database.client.sql<{ events: number; bodies: number; oldest: Date }[]>`
      select count(*)::int as events, count(raw_body)::int as bodies, min(received_at) as oldest
      from webhook_events where event_id like 'old-%'`;
    const startOfToday = Math.floor(now.getTime() / DAY) * DAY;
    const [expected] = await database.client.sql<{ events: number; bodies: number }[]>`
      select count(*) filter (where received_at >= ${new Date(now.getTime() - 90 * DAY).toISOString()})::int as events,
             count(*) filter (where received_at >= ${new Date(startOfToday - 30 * DAY).toISOString()})::int as bodies
      from (select ${now.toISOString()}::timestamptz - make_interval(secs => i * 2880) as received_at
            from generate_series(1, ${ROWS}) as i) as history`;
    expect(counts?.events).toBe(expected?.events);
    expect(counts?.bodies).toBe(expected?.bodies);
    const removed = report.removed.filter(({ kind }) => kind === 'event').reduce((sum, { rows }) => sum + rows, 0);
    expect(removed).toBe(ROWS - (expected?.events ?? 0));
  });
});

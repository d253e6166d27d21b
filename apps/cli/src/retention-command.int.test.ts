import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseSourcesConfig } from '@hookline/core';
import { claimEvents, eventKey, markProcessed, runRetentionPass } from '@hookline/db';
import { createTestDatabase, type TestDatabase } from '@hookline/db/testing';
import { loadRetentionSettings } from '@hookline/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliDeps, runCli } from './cli.js';

const DAY = 24 * 60 * 60 * 1000;
const yaml = `
sources:
  - { name: orders, provider: hmac-sha256, secrets: [ORDERS_SECRET], retention: { payloadDays: 3, eventDays: 10 } }
`;
const env = { ORDERS_SECRET: 'cli-retention' };
let database: TestDatabase;
const received = new Date();

beforeAll(async () => {
  database = await createTestDatabase();
  await database.client.db.transaction(async (tx) => {
    const events = ['r-1', 'r-2'].map((eventId) => ({
      source: 'orders',
      eventId,
      eventType: null,
      entityId: null,
      status: null,
      rawBody: '{}',
      headers: {},
      receivedAt: received.getTime(),
    }));
    const ids = await claimEvents(tx, events);
    await markProcessed(
      tx,
      events.map((event) => ({ id: ids.get(eventKey(event)) as number, transition: 'none' as const })),
    );
  });
});

afterAll(async () => {
  await database.drop();
});

async function run(argv: string[]) {
  const parsed = parseSourcesConfig(yaml, env);
  if (!parsed.ok) throw new Error(parsed.problems.join());
  const policy = loadRetentionSettings(parsed.config, {
    HOOKLINE_RETENTION_PAYLOAD_DAYS: 30,
    HOOKLINE_RETENTION_EVENT_DAYS: 90,
    HOOKLINE_RETENTION_AUDIT_DAYS: 365,
  });
  const lines: string[] = [];
  const deps: CliDeps = {
    env: {},
    loadConfig: () => parsed.config,
    readFile: () => Buffer.alloc(0),
    fetch,
    print: (line) => lines.push(line),
    nowSeconds: () => Math.floor(Date.now() / 1000),
    runRetention: ({ now, dryRun }) => runRetentionPass(database.client, { now, policy, dryRun }),
  };
  return { code: await runCli(argv, deps), lines };
}

async function count(): Promise<number> {
  const [row] = await database.client.sql<{ n: number }[]>`select count(*)::int as n from webhook_events where source = 'orders'`;
  return row?.n ?? 0;
}

describe('hookline retention run', () => {
  it('prints what a dry run at --now would remove, per source, table and kind, and removes nothing', async () => {
    const at = new Date(received.getTime() + 11 * DAY).toISOString();
    const { code, lines } = await run(['retention', 'run', '--dry-run', '--now', at]);
    expect(code).toBe(0);
    expect(lines[0]).toBe(`retention pass as of ${at} (dry run: nothing changed)`);
    // Their bodies were written before any horizon was stored (30 days): the shorter one sweeps them.
    expect(lines.slice(1, 4)).toEqual([
      'source  table                 kind     would remove',
      'orders  webhook_event_bodies  payload  2',
      'orders  webhook_event_rows    event    2',
    ]);
    expect(await count()).toBe(2);
  });

  it('refuses a --now that is not an ISO time, with the usage', async () => {
    const { code, lines } = await run(['retention', 'run', '--now', 'tomorrow']);
    expect(code).toBe(2);
    expect(lines[0]).toMatch(/^--now must be an ISO 8601 time/);
  });

  it('removes what is due when run by the entrypoint, and says so', async () => {
    const configPath = join(mkdtempSync(join(tmpdir(), 'hookline-cli-retention-')), 'hookline.config.yaml');
    writeFileSync(configPath, yaml);
    const main = fileURLToPath(new URL('./main.ts', import.meta.url));
    const at = new Date(received.getTime() + 11 * DAY).toISOString();
    const child = spawn(
      process.execPath,
      ['--conditions=@hookline/source', '--import', 'tsx', main, 'retention', 'run', '--now', at],
      {
        env: { ...process.env, ...env, HOOKLINE_CONFIG: configPath, DATABASE_URL: database.url },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += String(chunk);
    });
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(output).toContain(`retention pass as of ${at}\n`);
    expect(output).toMatch(/orders +webhook_event_rows +event +2\n/);
    expect(code).toBe(0);
    expect(await count()).toBe(0);
  });
});

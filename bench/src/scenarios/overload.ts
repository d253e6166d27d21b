import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@hookline/queue/testing';
import postgres from 'postgres';
import type { Profile } from '../bench-config.js';
import type { BenchContext } from '../context.js';
import { runLoad, spawnRole, stop, waitForHttp } from '../processes.js';

export interface OverloadResult {
  /** Closed-loop rate of the same ingester: what "2×" is measured against. */
  readonly capacityRps: number;
  readonly rate: number;
  readonly connections: number;
  readonly maxInFlight: number;
  readonly sent: number;
  /** How long the load ran, until the last answer. */
  readonly seconds: number;
  readonly accepted: number;
  readonly shed: number;
  /** Neither 200 nor 503 overloaded: connection errors, timeouts, other statuses. */
  readonly other: number;
  readonly acceptedP50: number;
  readonly acceptedP99: number;
  readonly shedP50: number;
  readonly shedP99: number;
  /** Rows the worker stored once the backlog drained: every 200, and nothing shed. */
  readonly stored: number;
  readonly everyAcceptedStoredOnce: boolean;
}

async function startIngester(context: BenchContext, prefix: string, maxInFlight: number) {
  const port = await freePort();
  const child = spawnRole(
    'ingester',
    context.roleEnv('postgres://unused@127.0.0.1/none', prefix, {
      PORT: String(port),
      HOST: '127.0.0.1',
      HOOKLINE_MAX_IN_FLIGHT: String(maxInFlight),
    }),
  );
  await waitForHttp(`http://127.0.0.1:${port}/healthz`);
  return { child, url: `http://127.0.0.1:${port}/webhooks/bench` };
}

/**
 * I: an open loop at twice the ingester's measured capacity over many connections. Past
 * HOOKLINE_MAX_IN_FLIGHT the ingester sheds with fast 503s, so the deliveries it takes stay
 * fast; the worker then drains them and each one answered 200 must be stored once.
 */
export async function runOverload(context: BenchContext, profile: Profile): Promise<OverloadResult> {
  const maxInFlight = profile.overloadMaxInFlight;
  const calibration = await startIngester(context, context.prefix('overload-capacity'), maxInFlight);
  let capacityRps: number;
  try {
    const closed = await runLoad('closed-loop', {
      url: calibration.url,
      connections: profile.connections,
      seconds: profile.httpSeconds,
      mode: 'unique',
    });
    capacityRps = closed.rps;
  } finally {
    await stop(calibration.child);
  }

  const databaseUrl = await context.database('overload');
  const prefix = context.prefix('overload');
  const ingester = await startIngester(context, prefix, maxInFlight);
  const rate = Math.round(2 * capacityRps);
  const acceptedFile = join(mkdtempSync(join(tmpdir(), 'hookline-overload-')), 'accepted.json');
  let load: Omit<OverloadResult, 'capacityRps' | 'rate' | 'connections' | 'maxInFlight' | 'stored' | 'everyAcceptedStoredOnce'>;
  try {
    load = (await runLoad('overload-loop', {
      url: ingester.url,
      rate,
      seconds: profile.overloadSeconds,
      connections: profile.overloadConnections,
      acceptedFile,
    })) as unknown as typeof load;
  } finally {
    await stop(ingester.child);
  }

  // Drained after the load, so the worker's CPU does not count against the ingester's.
  const worker = spawnRole('worker', context.roleEnv(databaseUrl, prefix, { PORT: '0' }));
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  try {
    const accepted = JSON.parse(readFileSync(acceptedFile, 'utf8')) as string[];
    const deadline = performance.now() + 10 * 60_000;
    let stored = 0;
    for (;;) {
      const [row] = await sql<{ n: number }[]>`select count(*)::int as n from webhook_events where processed_at is not null`;
      stored = row?.n ?? 0;
      if (stored >= accepted.length) break;
      if (performance.now() > deadline) throw new Error('overload backlog did not drain');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    // A moment more: anything else that was enqueued shows up now.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const [check] = await sql<{ total: number; of_accepted: number }[]>`
      select count(*)::int as total, count(*) filter (where event_id = any(${accepted}))::int as of_accepted
      from webhook_events`;
    return {
      capacityRps,
      rate,
      connections: profile.overloadConnections,
      maxInFlight,
      ...load,
      stored: check?.total ?? 0,
      // Each 200 stored (once: the unique key); beyond them only answers the client never read
      // (a timeout, a reset) may be, never one answered 503 overloaded.
      everyAcceptedStoredOnce: check?.of_accepted === accepted.length && (check?.total ?? 0) <= accepted.length + load.other,
    };
  } finally {
    await stop(worker);
    await sql.end();
  }
}

import { sql } from 'drizzle-orm';
import type { Database } from '../client.js';
import { retentionPolicies } from '../schema.js';
import { addDays, type RetentionHorizons, type RetentionPolicy, startOfUtcDay } from './policy.js';

/** The row of `retention_policies` that holds the defaults. */
export const DEFAULTS_SOURCE = '*';

/** The payload horizon `hookline_body_expires_on` (migration 0004) uses before any policy is stored. */
const UNSTORED_PAYLOAD_DAYS = 30;

export interface StoredPolicy extends RetentionHorizons {
  readonly source: string;
  readonly sweepFrom: Date | null;
  readonly sweepUntil: Date | null;
}

export async function readStoredPolicies(db: Database): Promise<Map<string, StoredPolicy>> {
  const rows = await db.select().from(retentionPolicies);
  return new Map(rows.map((row) => [row.source, row]));
}

/**
 * The policy rows a pass writes at `now`: every configured source's horizons and the defaults.
 * A shortened payload horizon opens (or widens) a sweep over the receipt times whose bodies
 * were written under the longer one: from the oldest body that can still exist to now.
 */
export function nextStoredPolicies(
  policy: RetentionPolicy,
  stored: ReadonlyMap<string, StoredPolicy>,
  now: Date,
): StoredPolicy[] {
  const wanted: [string, RetentionHorizons][] = [[DEFAULTS_SOURCE, policy.defaults], ...policy.sources];
  return wanted.map(([source, horizons]) => {
    const before = stored.get(source)?.payloadDays ?? stored.get(DEFAULTS_SOURCE)?.payloadDays ?? UNSTORED_PAYLOAD_DAYS;
    let sweepFrom = stored.get(source)?.sweepFrom ?? null;
    let sweepUntil = stored.get(source)?.sweepUntil ?? null;
    if (horizons.payloadDays < before) {
      const oldest = addDays(startOfUtcDay(now), -before);
      sweepFrom = sweepFrom === null || oldest < sweepFrom ? oldest : sweepFrom;
      sweepUntil = now;
    }
    return { source, ...horizons, sweepFrom, sweepUntil };
  });
}

export async function writeStoredPolicies(db: Database, policies: readonly StoredPolicy[]): Promise<void> {
  if (policies.length === 0) return;
  await db
    .insert(retentionPolicies)
    .values(policies.map((row) => ({ ...row, updatedAt: new Date() })))
    .onConflictDoUpdate({
      target: retentionPolicies.source,
      set: {
        payloadDays: sql`excluded.payload_days`,
        eventDays: sql`excluded.event_days`,
        sweepFrom: sql`excluded.sweep_from`,
        sweepUntil: sql`excluded.sweep_until`,
        updatedAt: sql`excluded.updated_at`,
      },
    });
}

/** Ends a source's sweep once it has covered every receipt time it was opened for. */
export async function endSweep(db: Database, source: string): Promise<void> {
  await db.execute(sql`update retention_policies set sweep_from = null, sweep_until = null where source = ${source}`);
}

import { setTimeout as sleep } from 'node:timers/promises';
import { desc, lt } from 'drizzle-orm';
import type { Database, DatabaseClient } from '../client.js';
import { retentionPasses } from '../schema.js';
import {
  countEvents,
  countLegacyBodies,
  countPartitionBodies,
  countSweepBodies,
  deleteAuditBatch,
  deleteDefaultBodiesBatch,
  deleteEventsBatch,
  pruneLegacyBodiesBatch,
  storedSources,
  sweepBodiesBatch,
} from './batches.js';
import { createBodyPartition, dropBodyPartition, listBodyPartitions, partitionName } from './body-partitions.js';
import { addDays, eventCutoff, horizonsOf, isoDate, payloadCutoff, type RetentionPolicy, startOfUtcDay } from './policy.js';
import type { RetentionReport } from './report.js';
import { endSweep, nextStoredPolicies, readStoredPolicies, writeStoredPolicies } from './stored-policies.js';
import { Tally } from './tally.js';

export interface RetentionPassOptions {
  /** The clock: the pass acts as if it were this time. */
  readonly now: Date;
  readonly policy: RetentionPolicy;
  /** Count what would go; change nothing. */
  readonly dryRun?: boolean;
  /** Rows per statement. */
  readonly batchSize?: number;
  /** Longest wait for the lock partition DDL needs; past it the DDL is left to the next pass. */
  readonly lockTimeoutMs?: number;
  /** Partitions kept ready beyond the longest payload horizon. */
  readonly daysAhead?: number;
  /** Ends the pass at the next batch boundary (shutdown); what is left goes to the next pass. */
  readonly signal?: AbortSignal;
  /**
   * Share of its running time the pass spends in statements (0–1]: after each batch it rests in
   * proportion (as long again as the batch took, at 0.5), so under load, when batches slow down,
   * it backs off. The default, 1, never rests (the CLI: an operator waits for it).
   */
  readonly dutyCycle?: number;
}

interface Pace {
  readonly size: number;
  readonly dutyCycle: number;
  readonly signal: AbortSignal | undefined;
}

// Any fixed number ("retn" in ASCII): one pass at a time per database, whichever process runs it.
export const RETENTION_LOCK = 0x7265746e;

/**
 * One retention pass: drops the body partitions whose day has come, creates the days ahead,
 * and removes in bounded batches what partitions cannot (legacy bodies, bodies of shortened
 * horizons, events past `eventDays` with their forwards, audit rows past `auditDays`).
 * Two passes at once do the work once: the second finds the lock taken and reports `ran: false`.
 */
export async function runRetentionPass(client: DatabaseClient, options: RetentionPassOptions): Promise<RetentionReport> {
  const dryRun = options.dryRun ?? false;
  const reserved = await client.sql.reserve();
  try {
    const [lock] = await reserved<{ locked: boolean }[]>`select pg_try_advisory_lock(${RETENTION_LOCK}) as locked`;
    if (lock?.locked !== true) return { ran: false, dryRun, now: options.now, removed: [], partitions: emptyPartitions() };
    try {
      return await passWithLock(client, { ...options, dryRun });
    } finally {
      await reserved`select pg_advisory_unlock(${RETENTION_LOCK})`;
    }
  } finally {
    reserved.release();
  }
}

function emptyPartitions(): RetentionReport['partitions'] {
  return { created: [], dropped: [], deferred: [] };
}

/** Runs `batch` until one comes back short (or the pass is stopped), resting between batches. */
async function repeat(batch: () => Promise<number>, pace: Pace): Promise<number> {
  let total = 0;
  for (;;) {
    const started = performance.now();
    const taken = await batch();
    total += taken;
    if (taken < pace.size || pace.signal?.aborted === true) return total;
    const rest = ((performance.now() - started) * (1 - pace.dutyCycle)) / pace.dutyCycle;
    try {
      if (rest > 0) await sleep(rest, undefined, pace.signal && { signal: pace.signal });
    } catch {
      return total;
    }
  }
}

async function passWithLock(
  client: DatabaseClient,
  options: RetentionPassOptions & { dryRun: boolean },
): Promise<RetentionReport> {
  const { db } = client;
  const { now, policy, dryRun } = options;
  const startedAt = new Date();
  const size = options.batchSize ?? 2000;
  const pace: Pace = { size, dutyCycle: options.dutyCycle ?? 1, signal: options.signal };
  const lockTimeoutMs = options.lockTimeoutMs ?? 500;
  const today = isoDate(startOfUtcDay(now));
  const tally = new Tally();
  const partitions = emptyPartitions();

  const stored = await readStoredPolicies(db);
  const policies = nextStoredPolicies(policy, stored, now);
  if (!dryRun) await writeStoredPolicies(db, policies);
  const sources = [...new Set([...policy.sources.keys(), ...(await storedSources(db))])].sort();

  // Bodies: whole days by partition.
  for (const partition of await listBodyPartitions(db)) {
    if (partition.day > today) continue;
    const dayStart = new Date(`${partition.day}T00:00:00Z`);
    const windows = sources.map((source) => {
      const { payloadDays } = horizonsOf(policy, source);
      return { source, from: addDays(dayStart, -payloadDays - 1), to: addDays(dayStart, -payloadDays) };
    });
    const counted = await countPartitionBodies(db, partition.day, windows);
    if (dryRun || (await dropBodyPartition(db, partition, lockTimeoutMs))) {
      partitions.dropped.push(partition.name);
      for (const { source, n } of counted) tally.add(source, 'webhook_event_bodies', 'payload', n);
    } else partitions.deferred.push(partition.name);
  }
  const existing = new Set((await listBodyPartitions(db)).map(({ day }) => day));
  const longest = Math.max(policy.defaults.payloadDays, ...[...policy.sources.values()].map((h) => h.payloadDays));
  for (let ahead = 1; ahead <= longest + 1 + (options.daysAhead ?? 7); ahead += 1) {
    const day = isoDate(addDays(startOfUtcDay(now), ahead));
    if (existing.has(day)) continue;
    const result = dryRun ? 'created' : await createBodyPartition(db, day, lockTimeoutMs);
    (result === 'created' ? partitions.created : partitions.deferred).push(partitionName(day));
  }

  // Bodies the partitions cannot take: the default partition's, and those of shortened horizons.
  if (dryRun) {
    for (const { source, n } of await deleteDefaultBodiesBatch(db, today, size, true)) {
      tally.add(source, 'webhook_event_bodies', 'payload', n);
    }
  } else {
    await repeat(async () => {
      const gone = await deleteDefaultBodiesBatch(db, today, size, false);
      for (const { source, n } of gone) tally.add(source, 'webhook_event_bodies', 'payload', n);
      return gone.reduce((sum, { n }) => sum + n, 0);
    }, pace);
  }
  for (const row of policies) {
    if (row.sweepFrom === null || row.sweepUntil === null) continue;
    const cutoff = payloadCutoff(now, row);
    const window = {
      source: row.source,
      from: row.sweepFrom,
      to: new Date(Math.min(cutoff.getTime(), row.sweepUntil.getTime())),
      today,
    };
    const swept = dryRun ? await countSweepBodies(db, window) : await repeat(() => sweepBodiesBatch(db, window, size), pace);
    tally.add(row.source, 'webhook_event_bodies', 'payload', swept);
    if (!dryRun && cutoff >= row.sweepUntil) await endSweep(db, row.source);
  }

  for (const source of sources) {
    const horizons = horizonsOf(policy, source);
    const bodiesBefore = payloadCutoff(now, horizons);
    const legacy = dryRun
      ? await countLegacyBodies(db, source, bodiesBefore)
      : await repeat(() => pruneLegacyBodiesBatch(db, source, bodiesBefore, size), pace);
    tally.add(source, 'webhook_event_rows', 'payload', legacy);

    const eventsBefore = eventCutoff(now, horizons);
    const removed = dryRun
      ? await countEvents(db, source, eventsBefore)
      : await removeEvents(() => deleteEventsBatch(db, source, eventsBefore, size), pace);
    tally.add(source, 'webhook_event_rows', 'event', removed.events);
    tally.add(source, 'forward_deliveries', 'forward_delivery', removed.deliveries);
    tally.add(source, 'forward_attempts', 'forward_attempt', removed.attempts);
  }

  const auditBefore = addDays(now, -policy.auditDays);
  if (dryRun) {
    for (const { source, n } of await deleteAuditBatch(db, auditBefore, size, true))
      tally.add(source, 'operator_actions', 'operator_action', n);
  } else {
    await repeat(async () => {
      const gone = await deleteAuditBatch(db, auditBefore, size, false);
      for (const { source, n } of gone) tally.add(source, 'operator_actions', 'operator_action', n);
      return gone.reduce((sum, { n }) => sum + n, 0);
    }, pace);
  }

  const removed = tally.removals();
  // A pass cut short by shutdown is not recorded: the last-pass time says when the work was all done.
  if (!dryRun && options.signal?.aborted !== true) {
    await db.insert(retentionPasses).values({ ranFor: now, startedAt, removed });
    await db.delete(retentionPasses).where(lt(retentionPasses.finishedAt, auditBefore));
  }
  return { ran: true, dryRun, now, removed, partitions };
}

/** When the last pass finished, if one ever did. */
export async function lastRetentionPass(db: Database): Promise<{ finishedAt: Date; ranFor: Date } | undefined> {
  const [row] = await db
    .select({ finishedAt: retentionPasses.finishedAt, ranFor: retentionPasses.ranFor })
    .from(retentionPasses)
    .orderBy(desc(retentionPasses.finishedAt))
    .limit(1);
  return row;
}

async function removeEvents(
  batch: () => Promise<{ events: number; deliveries: number; attempts: number }>,
  pace: Pace,
): Promise<{ events: number; deliveries: number; attempts: number }> {
  const total = { events: 0, deliveries: 0, attempts: 0 };
  await repeat(async () => {
    const taken = await batch();
    total.events += taken.events;
    total.deliveries += taken.deliveries;
    total.attempts += taken.attempts;
    return taken.events;
  }, pace);
  return total;
}

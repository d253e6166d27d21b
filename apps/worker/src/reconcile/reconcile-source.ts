import {
  type ReconcileSettings,
  type RecoveredDelivery,
  recoverEvent,
  type SourceConfig,
  type SourcesConfig,
} from '@hookline/core';
import { advanceReconcileCursor, type Database, findKnownEventIds, readReconcileCursor, readStoredEntities } from '@hookline/db';
import type { Enqueuer } from '@hookline/queue';
import type { Logger } from '@hookline/runtime';
import type { WorkerMetrics } from '../metrics.js';
import { reconcileApify } from './apify-reconciler.js';
import { reconcileGitHub } from './github-reconciler.js';
import type { Pass, Reconciler, Tally } from './pass.js';
import { createProviderApi, type ProviderApiOptions, ReconcileError, type RunOutcome } from './provider-api.js';
import { reconcileStripe } from './stripe-reconciler.js';

/**
 * Each run looks this far behind its cursor again: an item a provider lists a little late
 * (created just before the previous run, listed just after) is not skipped. What it finds
 * again is already stored, and costs one lookup.
 */
export const CURSOR_OVERLAP_MS = 10 * 60 * 1000;

export interface ReconcileDeps {
  readonly db: Database;
  readonly config: SourcesConfig;
  /** Each reconciled source's API token (`resolveReconcileCredentials`). */
  readonly credentials: ReadonlyMap<string, string>;
  /** Enqueues like the ingester: job id from (source, event id). */
  readonly enqueuer: Enqueuer;
  readonly logger: Logger;
  readonly metrics: Pick<WorkerMetrics, 'reconcileRuns' | 'reconcileRecovered' | 'reconcileLastSuccess'>;
  /** Replaceable in tests: the HTTP client, the clock and how waits are waited out. */
  readonly http?: Pick<ProviderApiOptions, 'fetch' | 'sleep' | 'maxRateLimitWaitMs' | 'timeoutMs'>;
  readonly now?: () => number;
}

export interface ReconcileRequest {
  readonly source: string;
  /** Look back to here instead of the cursor (an operator's `since`). */
  readonly since?: Date;
}

/** What one run did: the admin's answer, the audit row's detail, the log line. */
export interface ReconcileReport extends Tally {
  readonly source: string;
  readonly provider: string;
  readonly outcome: RunOutcome;
  /** Why it did not succeed, as the provider put it. */
  readonly reason?: string;
  readonly since: string;
  /** The cursor after the run; unchanged (or null before the first success) when it failed. */
  readonly settledBefore: string | null;
}

const reconcilers: Record<ReconcileSettings['target']['provider'], Reconciler> = {
  stripe: reconcileStripe,
  github: reconcileGitHub,
  apify: reconcileApify,
};

/** Unknown source, or one without a `reconcile` block: an operator's request the admin refuses. */
export class NotReconcilableError extends Error {
  constructor(source: string) {
    super(`source "${source}" is not configured, or has no reconcile block`);
    this.name = new.target.name;
  }
}

function authHeaders(source: SourceConfig, credential: string): Record<string, string> {
  const provider = source.reconcile?.target.provider;
  if (provider === 'github')
    return { authorization: `Bearer ${credential}`, accept: 'application/vnd.github+json', 'x-github-api-version': '2022-11-28' };
  return { authorization: `Bearer ${credential}` };
}

function createPass(deps: ReconcileDeps, source: SourceConfig, since: number, tally: Tally, now: () => number): Pass {
  const settings = source.reconcile;
  const credential = deps.credentials.get(source.name);
  if (settings === undefined || credential === undefined) throw new NotReconcilableError(source.name);
  return {
    source,
    settings,
    since,
    now,
    tally,
    api: createProviderApi({ provider: settings.target.provider, headers: authHeaders(source, credential), now, ...deps.http }),
    storedEntities: (ids) => readStoredEntities(deps.db, source.name, ids),
    knownEventIds: (ids) => findKnownEventIds(deps.db, source.name, ids),
    async ingest(deliveries: readonly RecoveredDelivery[]) {
      const events = deliveries.flatMap((delivery) => {
        const result = recoverEvent(source, delivery);
        if (!result.ok)
          deps.logger.warn({ source: source.name, reason: result.reason }, 'a recovered item is not an event; skipped');
        return result.ok ? [result.event] : [];
      });
      const known = await findKnownEventIds(
        deps.db,
        source.name,
        events.map((event) => event.eventId),
      );
      const missing = events.filter((event) => !known.has(event.eventId));
      tally.missing += missing.length;
      // The ingester's own enqueue: one job id per (source, event id), so a late delivery of
      // the same event, or a run that finds it again, collapses into this job.
      const outcomes = await Promise.all(missing.map((event) => deps.enqueuer.enqueue(event)));
      tally.recovered += outcomes.filter((outcome) => outcome === 'accepted').length;
    },
  };
}

/**
 * One reconciliation of one source: from its cursor (or `lookbackHours` back, or the
 * operator's `since`), ask the provider what it sent, enqueue what Hookline lacks, and only
 * then move the cursor. A failure leaves the cursor where it was, so the next run covers
 * the same ground again; nothing it enqueued twice is stored twice.
 */
export async function reconcileSource(deps: ReconcileDeps, request: ReconcileRequest): Promise<ReconcileReport> {
  const source = deps.config.sources.get(request.source);
  if (source?.reconcile === undefined) throw new NotReconcilableError(request.source);
  const now = deps.now ?? Date.now;
  const reconcile = reconcilers[source.reconcile.target.provider];
  const cursor = await readReconcileCursor(deps.db, source.name);
  const since =
    request.since?.getTime() ??
    (cursor ? cursor.settledBefore.getTime() - CURSOR_OVERLAP_MS : now() - source.reconcile.lookbackHours * 3600 * 1000);
  const tally: Tally = { scanned: 0, missing: 0, recovered: 0, redelivered: 0 };
  const base = { source: source.name, provider: source.reconcile.target.provider, since: new Date(since).toISOString() };
  let report: ReconcileReport;
  try {
    const settled = await reconcile(createPass(deps, source, since, tally, now));
    // After every event is durably enqueued: a crash before this line repeats the run, never skips it.
    const row = await advanceReconcileCursor(deps.db, source.name, new Date(settled));
    deps.metrics.reconcileLastSuccess.set({ source: source.name }, row.lastSuccessAt.getTime() / 1000);
    report = { ...base, ...tally, outcome: 'succeeded', settledBefore: row.settledBefore.toISOString() };
  } catch (error) {
    const outcome = error instanceof ReconcileError ? error.outcome : 'failed';
    report = {
      ...base,
      ...tally,
      outcome,
      reason: (error as Error).message,
      settledBefore: cursor?.settledBefore.toISOString() ?? null,
    };
  }
  deps.metrics.reconcileRuns.inc({ source: source.name, outcome: report.outcome });
  deps.metrics.reconcileRecovered.inc({ source: source.name }, report.recovered + report.redelivered);
  const log = report.outcome === 'succeeded' ? deps.logger.info.bind(deps.logger) : deps.logger.error.bind(deps.logger);
  log({ ...report }, report.outcome === 'succeeded' ? 'reconciliation finished' : 'reconciliation failed');
  return report;
}

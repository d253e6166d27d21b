/** One entry of GitHub's "list deliveries for a webhook": one attempt to deliver one event. */
export interface HookDeliveryAttempt {
  readonly id: number;
  /** The event's id, the same on every attempt and redelivery (`X-GitHub-Delivery`). */
  readonly guid: string;
  readonly deliveredAt: number;
  readonly redelivery: boolean;
  readonly statusCode: number;
}

export interface GitHubRecoveryPlan {
  /** Events (guids) no attempt of which reached Hookline and which are not stored. */
  readonly missing: number;
  /** Delivery ids to redeliver: GitHub sends them again, signed, with the same guid. */
  readonly redeliver: readonly number[];
  /** Delivery ids to read and ingest from their recorded request: too old to redeliver, or a redelivery failed too. */
  readonly fetch: readonly number[];
  /** The oldest attempt of an event left waiting on a redelivery: the next pass must look that far back. */
  readonly unresolvedSince?: number;
}

/** GitHub.com redelivers attempts of the last 3 days (GitHub Enterprise Server: 7). */
export const GITHUB_REDELIVERY_WINDOW_MS = 3 * 24 * 3600 * 1000;
/** Kept clear of the window's edge: a redelivery asked for just before it closes could be refused. */
const WINDOW_MARGIN_MS = 3600 * 1000;
/**
 * An event the ingester acknowledged but Postgres still lacks this long after is taken as lost
 * from Redis (a lost AOF tail) and read back; one merely waiting in a backlog is enqueued again
 * under its own job id, so it is still stored once.
 */
export const ACKNOWLEDGED_UNSTORED_AFTER_MS = 30 * 60 * 1000;

const delivered = (attempt: HookDeliveryAttempt) => attempt.statusCode >= 200 && attempt.statusCode < 300;

/**
 * Which events to recover and how. An event (guid) counts as missing when none of its attempts
 * got a 2xx from us and it is not stored; a 2xx means the ingester acknowledged it (it is in
 * Redis or Postgres). A missing event is redelivered while GitHub still can, so it arrives
 * signed through the ingester like any delivery; when it is too old, or a redelivery failed as
 * well, its recorded request is ingested instead — as is an acknowledged event still not stored
 * half an hour later.
 */
export function planGitHubRecovery(
  attempts: readonly HookDeliveryAttempt[],
  stored: ReadonlySet<string>,
  nowMs: number,
  redeliveryWindowMs: number = GITHUB_REDELIVERY_WINDOW_MS,
): GitHubRecoveryPlan {
  const byGuid = new Map<string, HookDeliveryAttempt[]>();
  for (const attempt of attempts) byGuid.set(attempt.guid, [...(byGuid.get(attempt.guid) ?? []), attempt]);
  const redeliver: number[] = [];
  const fetch: number[] = [];
  let unresolvedSince: number | undefined;
  for (const [guid, group] of byGuid) {
    if (stored.has(guid)) continue;
    const acknowledged = group.filter(delivered);
    if (acknowledged.length > 0) {
      const last = acknowledged.reduce((a, b) => (b.id > a.id ? b : a));
      if (last.deliveredAt < nowMs - ACKNOWLEDGED_UNSTORED_AFTER_MS) fetch.push(last.id);
      continue;
    }
    const latest = group.reduce((a, b) => (b.id > a.id ? b : a));
    const redeliverable = latest.deliveredAt > nowMs - redeliveryWindowMs + WINDOW_MARGIN_MS;
    if (redeliverable && !group.some((attempt) => attempt.redelivery)) {
      redeliver.push(latest.id);
      const oldest = Math.min(...group.map((attempt) => attempt.deliveredAt));
      unresolvedSince = Math.min(unresolvedSince ?? oldest, oldest);
    } else {
      fetch.push(latest.id);
    }
  }
  return {
    missing: redeliver.length + fetch.length,
    redeliver,
    fetch,
    ...(unresolvedSince !== undefined && { unresolvedSince }),
  };
}

import type { SourceConfig } from '../config/sources-config.js';
import { readIdentifier } from '../json-path.js';
import { type EntityStatus, movesForward, rankStatus, reopenableStatuses } from '../status/transition.js';
import type { RecoveredDelivery } from './recovered-event.js';

/** A run as Apify's run lists return it (`RunShort`): only what the plan reads is typed. */
export interface ApifyRun {
  readonly id: string;
  readonly status: string;
  readonly startedAt: string;
  readonly finishedAt?: string | null;
  readonly actId?: string;
  readonly actorTaskId?: string | null;
  readonly [field: string]: unknown;
}

/** An entity's stored state, with the event that set it. */
export interface StoredEntity extends EntityStatus {
  readonly lastEventId: string;
}

export interface ApifyRecoveryPlan {
  readonly deliveries: readonly RecoveredDelivery[];
  /** The start of the oldest run not yet settled: the next pass must look that far back. */
  readonly unsettledSince?: number;
}

export const RESURRECTED = 'ACTOR.RUN.RESURRECTED';
/** The header Apify's own deliveries carry their id in: the preset reads the event id from it. */
const DISPATCH_ID_HEADER = 'x-apify-webhook-dispatch-id';

/** The webhook event Apify sends when a run reaches each status; none for the short-lived TIMING-OUT and ABORTING. */
const eventTypeOfStatus: Readonly<Record<string, string>> = {
  READY: 'ACTOR.RUN.CREATED',
  RUNNING: 'ACTOR.RUN.CREATED',
  SUCCEEDED: 'ACTOR.RUN.SUCCEEDED',
  FAILED: 'ACTOR.RUN.FAILED',
  'TIMED-OUT': 'ACTOR.RUN.TIMED_OUT',
  ABORTED: 'ACTOR.RUN.ABORTED',
};

/** A body shaped like Apify's default payload template, with the listed run as its resource. */
function runBody(run: ApifyRun, eventType: string): string {
  return JSON.stringify({
    userId: run.userId ?? null,
    createdAt: run.finishedAt ?? run.startedAt,
    eventType,
    eventData: { actorId: run.actId ?? null, actorRunId: run.id, ...(run.actorTaskId && { actorTaskId: run.actorTaskId }) },
    resource: run,
  });
}

/** The entity a run is, by the source's entity paths (`resource.id` by default). */
export function apifyRunEntityId(source: SourceConfig, run: ApifyRun): string | undefined {
  if (source.entity === undefined) return undefined;
  return readIdentifier(JSON.parse(runBody(run, '')) as Record<string, unknown>, source.entity.id);
}

function delivery(run: ApifyRun, eventType: string, eventId: string, nowMs: number): RecoveredDelivery {
  return {
    headers: { 'content-type': 'application/json', [DISPATCH_ID_HEADER]: eventId },
    body: runBody(run, eventType),
    via: 'apify-runs-api',
    recoveredAt: nowMs,
  };
}

/**
 * The events that bring each run's entity to the status Apify reports. A run unknown to
 * Hookline, or further along than stored, gets the event of its status; a finished run Apify
 * reports running again was resurrected, and gets `ACTOR.RUN.RESURRECTED` so the preset's
 * reopen rule lets it leave its terminal status. A finished run stored with another finished
 * status was resurrected and finished again: it is reopened now and finished on the next pass.
 * Event ids derive from the run and the state they record, so every pass records a state once.
 */
export function planApifyRecovery(
  source: SourceConfig,
  runs: readonly ApifyRun[],
  stored: ReadonlyMap<string, StoredEntity>,
  nowMs: number,
): ApifyRecoveryPlan {
  const rules = source.statuses;
  const deliveries: RecoveredDelivery[] = [];
  let unsettledSince: number | undefined;
  const unsettled = (run: ApifyRun) => {
    const started = Date.parse(run.startedAt);
    unsettledSince = Math.min(unsettledSince ?? started, started);
  };
  for (const run of runs) {
    const next = rules === undefined ? undefined : rankStatus(rules, run.status);
    const eventType = eventTypeOfStatus[run.status];
    const entityId = apifyRunEntityId(source, run);
    if (!next?.terminal) unsettled(run);
    if (rules === undefined || next === undefined || eventType === undefined || entityId === undefined) continue;
    const current = stored.get(entityId);
    if (movesForward(current, next)) {
      const stamp = next.terminal ? (run.finishedAt ?? run.startedAt) : run.startedAt;
      deliveries.push(delivery(run, eventType, `recovered-${run.id}-${run.status}-${stamp}`, nowMs));
      continue;
    }
    if (current === undefined || !current.terminal || current.status === next.status) continue;
    if (!reopenableStatuses(rules, RESURRECTED).includes(current.status)) continue;
    // Finished again since: reopen now, and leave the run unsettled so the next pass finishes it.
    const resurrected = next.terminal ? { ...run, status: 'RUNNING', finishedAt: null } : run;
    if (next.terminal) unsettled(run);
    deliveries.push(delivery(resurrected, RESURRECTED, `recovered-${run.id}-${RESURRECTED}-after-${current.lastEventId}`, nowMs));
  }
  return { deliveries, ...(unsettledSince !== undefined && { unsettledSince }) };
}

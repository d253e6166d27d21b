import { randomUUID } from 'node:crypto';
import type { EntityStatus, TransitionOutcome } from '@hookline/core';
import { and, asc, eq, sql } from 'drizzle-orm';
import type { Database, Executor } from './client.js';
import { entityStates, type OperatorActionRow, operatorActions } from './schema.js';

export type OperatorAction = 'replay' | 'override' | 'retry_failed' | 'reconcile';

export interface NewOperatorAction {
  readonly actor: string;
  readonly action: OperatorAction;
  readonly source?: string | null;
  readonly eventId?: string | null;
  readonly entityId?: string | null;
  readonly reason?: string | null;
  readonly jobId?: string | null;
  readonly detail?: Record<string, unknown>;
}

/** Appends one row to the audit trail. */
export async function recordOperatorAction(db: Executor, action: NewOperatorAction): Promise<void> {
  await db.insert(operatorActions).values({ ...action, detail: action.detail ?? {} });
}

/** Records what a replay's re-run did, in the worker's transaction that did it. */
export async function completeReplay(tx: Executor, jobId: string, transition: TransitionOutcome): Promise<void> {
  await tx
    .update(operatorActions)
    .set({ result: transition, completedAt: sql`now()` })
    .where(and(eq(operatorActions.jobId, jobId), eq(operatorActions.action, 'replay')));
}

/** Records what an operator's reconciliation found, once the worker ran it. */
export async function completeReconcileAction(
  db: Executor,
  jobId: string,
  outcome: string,
  report: Record<string, unknown>,
): Promise<void> {
  await db
    .update(operatorActions)
    .set({ result: outcome, completedAt: sql`now()`, detail: report })
    .where(and(eq(operatorActions.jobId, jobId), eq(operatorActions.action, 'reconcile')));
}

/** Removes the audit row of a reconciliation whose job could not be queued: it never happened. */
export async function removeReconcileAction(db: Executor, jobId: string): Promise<void> {
  await db.delete(operatorActions).where(and(eq(operatorActions.jobId, jobId), eq(operatorActions.action, 'reconcile')));
}

/** Removes the audit row of a replay whose job could not be queued: it never happened. */
export async function removeReplayAction(db: Executor, jobId: string): Promise<void> {
  await db.delete(operatorActions).where(and(eq(operatorActions.jobId, jobId), eq(operatorActions.action, 'replay')));
}

/** The audit rows about one event (its replays), oldest first. */
export async function listEventActions(db: Executor, source: string, eventId: string): Promise<OperatorActionRow[]> {
  return db
    .select()
    .from(operatorActions)
    .where(and(eq(operatorActions.source, source), eq(operatorActions.eventId, eventId)))
    .orderBy(asc(operatorActions.id));
}

/** The replays of an entity's events, oldest first: what its timeline shows beside the events. */
export async function listEntityReplays(db: Executor, source: string, entityId: string): Promise<OperatorActionRow[]> {
  return db
    .select()
    .from(operatorActions)
    .where(and(eq(operatorActions.source, source), eq(operatorActions.entityId, entityId), eq(operatorActions.action, 'replay')))
    .orderBy(asc(operatorActions.id));
}

export interface StatusOverride {
  readonly source: string;
  readonly entityId: string;
  readonly next: EntityStatus;
  readonly actor: string;
  readonly reason: string;
}

export interface OverrideResult {
  readonly previous: EntityStatus | undefined;
  /** The id of the event row that records the override. */
  readonly eventId: string;
}

/**
 * Sets an entity's status regardless of the forward-only rule — backwards or out of a
 * terminal status — and records it, in one transaction: an event row with transition
 * `override` (so it sits in the entity's history) and an audit row saying who and why.
 */
export async function overrideEntityStatus(db: Database, override: StatusOverride): Promise<OverrideResult> {
  const key = { source: override.source, entityId: override.entityId };
  const eventId = `override-${randomUUID()}`;
  return db.transaction(async (tx) => {
    // Lock the row first, so the previous status reported is the one replaced.
    const [previous] = await tx
      .select({ status: entityStates.status, rank: entityStates.statusRank, terminal: entityStates.terminal })
      .from(entityStates)
      .where(and(eq(entityStates.source, key.source), eq(entityStates.entityId, key.entityId)))
      .for('update');
    const body = JSON.stringify({
      status: override.next.status,
      previous: previous?.status ?? null,
      actor: override.actor,
      reason: override.reason,
    });
    await tx
      .insert(entityStates)
      .values({
        ...key,
        status: override.next.status,
        statusRank: override.next.rank,
        terminal: override.next.terminal,
        lastEventId: eventId,
      })
      .onConflictDoUpdate({
        target: [entityStates.source, entityStates.entityId],
        set: {
          status: sql`excluded.status`,
          statusRank: sql`excluded.status_rank`,
          terminal: sql`excluded.terminal`,
          lastEventId: sql`excluded.last_event_id`,
          updatedAt: sql`now()`,
        },
      });
    await tx.execute(sql`
      with recorded as (
        insert into webhook_event_rows
          (source, event_id, event_type, entity_id, status, received_at, processed_at, attempts, transition, body_expires_on)
        values (${key.source}, ${eventId}, 'hookline.override', ${key.entityId}, ${override.next.status}, now(), now(), 1,
                ${'override' satisfies TransitionOutcome}, hookline_body_expires_on(${key.source}, now()))
        returning id, body_expires_on
      )
      insert into webhook_event_bodies (event_row_id, expires_on, payload, raw_body, headers)
      select id, body_expires_on, ${body}::jsonb, ${body}, '{}'::jsonb from recorded`);
    await recordOperatorAction(tx, {
      actor: override.actor,
      action: 'override',
      ...key,
      eventId,
      reason: override.reason,
      detail: { from: previous?.status ?? null, to: override.next.status },
    });
    return { previous, eventId };
  });
}

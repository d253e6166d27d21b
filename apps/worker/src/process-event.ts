import {
  classifyTransition,
  rankStatus,
  reopenableStatuses,
  type SourceConfig,
  type SourcesConfig,
  type TransitionOutcome,
} from '@hookline/core';
import { advanceEntityStatus, claimEvent, type Database, markProcessed, readEntityStatus, type Transaction } from '@hookline/db';
import type { EventJob } from '@hookline/queue';

export type ProcessOutcome = { readonly kind: 'stored'; readonly transition: TransitionOutcome } | { readonly kind: 'duplicate' };

export interface ProcessDeps {
  readonly db: Database;
  readonly config: SourcesConfig;
}

/** The source is unknown to this worker: usually a deploy where the ingester's config is newer. Retried. */
export class UnknownSourceError extends Error {
  constructor(source: string) {
    super(`source "${source}" is not configured in this worker`);
    this.name = new.target.name;
  }
}

async function applyTransition(tx: Transaction, source: SourceConfig, event: EventJob): Promise<TransitionOutcome> {
  if (source.statuses === undefined || event.entityId === null || event.status === null) return 'none';
  const next = rankStatus(source.statuses, event.status);
  if (next === undefined) return 'unknown_status';
  const key = { source: event.source, entityId: event.entityId };
  const reopenable = reopenableStatuses(source.statuses, event.eventType);
  const move = await advanceEntityStatus(tx, key, next, event.eventId, reopenable);
  if (move === 'advanced') return 'applied';
  if (move === 'reopened') return 'reopened';
  // The upsert left the row locked: this read sees the state that refused the move.
  return classifyTransition(await readEntityStatus(tx, key), next, reopenable);
}

/**
 * Stores one event and applies its effects in one transaction. Idempotent: running it
 * again for a processed event changes nothing and answers `duplicate`.
 */
export async function processEvent(deps: ProcessDeps, event: EventJob): Promise<ProcessOutcome> {
  const source = deps.config.sources.get(event.source);
  if (source === undefined) throw new UnknownSourceError(event.source);
  return deps.db.transaction(async (tx) => {
    const id = await claimEvent(tx, event);
    if (id === undefined) return { kind: 'duplicate' } as const;
    const transition = await applyTransition(tx, source, event);
    await markProcessed(tx, id, transition);
    return { kind: 'stored', transition } as const;
  });
}

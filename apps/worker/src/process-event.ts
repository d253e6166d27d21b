import { classifyTransition, rankStatus, type SourceConfig, type SourcesConfig, type TransitionOutcome } from '@hookline/core';
import {
  advanceEntityStatus,
  claimEvents,
  type Database,
  eventKey,
  markProcessed,
  readEntityStatus,
  type Transaction,
} from '@hookline/db';
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

function sourceOf(config: SourcesConfig, event: EventJob): SourceConfig {
  const source = config.sources.get(event.source);
  if (source === undefined) throw new UnknownSourceError(event.source);
  return source;
}

async function applyTransition(tx: Transaction, source: SourceConfig, event: EventJob): Promise<TransitionOutcome> {
  if (source.statuses === undefined || event.entityId === null || event.status === null) return 'none';
  const next = rankStatus(source.statuses, event.status);
  if (next === undefined) return 'unknown_status';
  const key = { source: event.source, entityId: event.entityId };
  if (await advanceEntityStatus(tx, key, next, event.eventId)) return 'applied';
  // The upsert left the row locked: this read sees the state that refused the move.
  return classifyTransition(await readEntityStatus(tx, key), next);
}

/**
 * Stores events with distinct keys and applies their effects inside `tx`: one statement
 * claims them all, transitions run in order, one statement marks them processed. Events
 * already processed come back as `duplicate` and change nothing.
 */
export async function storeEvents(
  tx: Transaction,
  config: SourcesConfig,
  events: readonly EventJob[],
): Promise<ProcessOutcome[]> {
  const sources = events.map((event) => sourceOf(config, event));
  const claimed = await claimEvents(tx, events);
  const outcomes: ProcessOutcome[] = [];
  const processed: { id: number; transition: TransitionOutcome }[] = [];
  for (const [index, event] of events.entries()) {
    const id = claimed.get(eventKey(event));
    if (id === undefined) {
      outcomes.push({ kind: 'duplicate' });
      continue;
    }
    const transition = await applyTransition(tx, sources[index] as SourceConfig, event);
    processed.push({ id, transition });
    outcomes.push({ kind: 'stored', transition });
  }
  await markProcessed(tx, processed);
  return outcomes;
}

/** Stores one event in its own transaction. Idempotent: a processed event answers `duplicate`. */
export async function processEvent(deps: ProcessDeps, event: EventJob): Promise<ProcessOutcome> {
  sourceOf(deps.config, event);
  const [outcome] = await deps.db.transaction((tx) => storeEvents(tx, deps.config, [event]));
  return outcome as ProcessOutcome;
}

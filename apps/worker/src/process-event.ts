import {
  classifyTransition,
  type EntityStatus,
  rankStatus,
  type SourceConfig,
  type SourcesConfig,
  type TransitionOutcome,
} from '@hookline/core';
import {
  advanceEntityStatus,
  claimEvent,
  type Database,
  lockProcessedEvent,
  markProcessed,
  readEntityStatus,
  type Transaction,
} from '@hookline/db';
import type { EventJob } from '@hookline/queue';
import type { Logger } from '@hookline/runtime';
import { planDeliveries } from './forwarding/plan-deliveries.js';
import type { HandlerRegistry } from './handlers/load-handlers.js';
import { type EventFacts, runHandlers } from './handlers/run-handlers.js';

export type ProcessOutcome =
  | { readonly kind: 'stored'; readonly transition: TransitionOutcome }
  | { readonly kind: 'duplicate' }
  /** An operator's replay of a processed event: handlers ran and forwarding was queued again. */
  | { readonly kind: 'replayed'; readonly transition: TransitionOutcome };

export interface ProcessDeps {
  readonly db: Database;
  readonly config: SourcesConfig;
  readonly handlers: HandlerRegistry;
  readonly logger: Logger;
}

/** What the job adds to the event: which try this is, and whether an operator asked for a replay. */
export interface EventRun {
  /** 1 on the first try. */
  readonly attempt: number;
  /**
   * Set on an operator's replay (the replay job's id): the replay runs handlers and forwards
   * again, and one replay retried still forwards once.
   */
  readonly replayKey?: string;
}

const FIRST_RUN: EventRun = { attempt: 1 };

/** The source is unknown to this worker: usually a deploy where the ingester's config is newer. Retried. */
export class UnknownSourceError extends Error {
  constructor(source: string) {
    super(`source "${source}" is not configured in this worker`);
    this.name = new.target.name;
  }
}

export function sourceOf(config: SourcesConfig, event: EventJob): SourceConfig {
  const source = config.sources.get(event.source);
  if (source === undefined) throw new UnknownSourceError(event.source);
  return source;
}

interface TransitionResult {
  readonly transition: TransitionOutcome;
  /** The state the transition left, when the upsert or its refusal told us; undefined otherwise. */
  readonly entity?: EntityStatus;
}

async function applyTransition(tx: Transaction, source: SourceConfig, event: EventJob): Promise<TransitionResult> {
  if (source.statuses === undefined || event.entityId === null || event.status === null) return { transition: 'none' };
  const next = rankStatus(source.statuses, event.status);
  if (next === undefined) return { transition: 'unknown_status' };
  const key = { source: event.source, entityId: event.entityId };
  if (await advanceEntityStatus(tx, key, next, event.eventId)) return { transition: 'applied', entity: next };
  // The upsert left the row locked: this read sees the state that refused the move.
  const current = await readEntityStatus(tx, key);
  return { transition: classifyTransition(current, next), ...(current && { entity: current }) };
}

function hasEffects(deps: ProcessDeps, source: SourceConfig): boolean {
  return deps.handlers.has(source.name) || source.forward.length > 0;
}

/** The entity's state for handlers and forwarding, read only when the transition did not already say. */
async function entityAfter(tx: Transaction, event: EventJob, result: TransitionResult): Promise<EntityStatus | undefined> {
  if (result.entity !== undefined || event.entityId === null) return result.entity;
  return readEntityStatus(tx, { source: event.source, entityId: event.entityId });
}

/** The user's effects, in the event's transaction: handlers first, then the forwarding outbox. */
async function runEffects(
  tx: Transaction,
  deps: ProcessDeps,
  source: SourceConfig,
  event: EventJob,
  stored: { readonly id: number; readonly facts: EventFacts; readonly replayKey?: string },
): Promise<void> {
  const handlers = deps.handlers.get(source.name);
  if (handlers !== undefined) await runHandlers(tx, handlers, event, stored.facts, deps.logger);
  await planDeliveries(tx, source, event, stored);
}

/**
 * Everything one event does, inside a transaction the caller owns: claim the event row,
 * apply its transition, run its handlers, write its forwarding outbox, mark it processed.
 * A processed event answers `duplicate` and changes nothing, unless this run is an
 * operator's replay, which runs handlers and forwarding again on purpose.
 */
export async function processEventInTransaction(
  tx: Transaction,
  deps: ProcessDeps,
  event: EventJob,
  run: EventRun = FIRST_RUN,
): Promise<ProcessOutcome> {
  const source = sourceOf(deps.config, event);
  const replay = event.replay === true;
  const id = await claimEvent(tx, event);
  if (id === undefined) {
    if (run.replayKey === undefined) return { kind: 'duplicate' };
    return replayProcessedEvent(tx, deps, source, event, run.attempt, run.replayKey);
  }
  const result = await applyTransition(tx, source, event);
  if (hasEffects(deps, source)) {
    const entity = await entityAfter(tx, event, result);
    const facts = { transition: result.transition, entity, attempt: run.attempt, replay };
    await runEffects(tx, deps, source, event, { id, facts });
  }
  await markProcessed(tx, id, result.transition);
  return { kind: 'stored', transition: result.transition };
}

async function replayProcessedEvent(
  tx: Transaction,
  deps: ProcessDeps,
  source: SourceConfig,
  event: EventJob,
  attempt: number,
  replayKey: string,
): Promise<ProcessOutcome> {
  // Locked, so that replays of one event run one after the other.
  const stored = await lockProcessedEvent(tx, event);
  if (stored === undefined) return { kind: 'duplicate' };
  if (hasEffects(deps, source)) {
    const entity = await entityAfter(tx, event, { transition: stored.transition });
    const facts = { transition: stored.transition, entity, attempt, replay: true };
    await runEffects(tx, deps, source, event, { id: stored.id, facts, replayKey });
  }
  return { kind: 'replayed', transition: stored.transition };
}

/** Processes one event in its own transaction. Idempotent: a processed event answers `duplicate`. */
export async function processEvent(deps: ProcessDeps, event: EventJob, run: EventRun = FIRST_RUN): Promise<ProcessOutcome> {
  sourceOf(deps.config, event);
  return deps.db.transaction((tx) => processEventInTransaction(tx, deps, event, run));
}

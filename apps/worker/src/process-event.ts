import type { SourcesConfig, TransitionOutcome } from '@hookline/core';
import { completeReplay, type Database, markProcessed, type Transaction } from '@hookline/db';
import type { EventJob } from '@hookline/queue';
import type { Logger } from '@hookline/runtime';
import { entityAfter, hasEffects, runEffects } from './effects.js';
import type { HandlerRegistry } from './handlers/load-handlers.js';
import { replayProcessedEvent } from './replay-processed.js';
import { sourceOf } from './source-of.js';
import { claimAndTransition } from './transitions.js';

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

/**
 * Everything one event does, inside a transaction the caller owns: claim the event row,
 * apply its transition, run its handlers, write its forwarding outbox, mark it processed.
 * A processed event answers `duplicate` and changes nothing, unless this run is an
 * operator's replay, which offers its status again (forward-only rules still apply) and
 * runs handlers and forwarding again on purpose; the replay's result goes on its audit row.
 */
export async function processEventInTransaction(
  tx: Transaction,
  deps: ProcessDeps,
  event: EventJob,
  run: EventRun = FIRST_RUN,
): Promise<ProcessOutcome> {
  const source = sourceOf(deps.config, event);
  const [stored] = await claimAndTransition(tx, deps.config, [event]);
  if (stored === undefined) {
    if (run.replayKey === undefined) return { kind: 'duplicate' };
    return replayProcessedEvent(tx, deps, source, event, run.attempt, run.replayKey);
  }
  if (hasEffects(deps, source)) {
    const facts = {
      transition: stored.transition,
      entity: await entityAfter(tx, event),
      attempt: run.attempt,
      replay: event.replay === true,
    };
    await runEffects(tx, deps, source, event, { id: stored.id, facts });
  }
  await markProcessed(tx, [stored]);
  // A replay of an event never stored is its first run; its audit row still gets the result.
  if (run.replayKey !== undefined) await completeReplay(tx, run.replayKey, stored.transition);
  return { kind: 'stored', transition: stored.transition };
}

/** Processes one event in its own transaction. Idempotent: a processed event answers `duplicate`. */
export async function processEvent(deps: ProcessDeps, event: EventJob, run: EventRun = FIRST_RUN): Promise<ProcessOutcome> {
  sourceOf(deps.config, event);
  return deps.db.transaction((tx) => processEventInTransaction(tx, deps, event, run));
}

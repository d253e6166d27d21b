import type { SourcesConfig, TransitionOutcome } from '@hookline/core';
import { completeReplay, type Database, markProcessed, type Transaction } from '@hookline/db';
import type { EventJob } from '@hookline/queue';
import { inSpan, type Logger, SPAN_ATTRIBUTES, type Tracing } from '@hookline/runtime';
import { type Context, ROOT_CONTEXT } from '@opentelemetry/api';
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
  readonly tracing: Tracing;
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
  /** The job's span: this run's spans are its children. */
  readonly trace?: Context;
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
  const [stored] = await inSpan(
    deps.tracing,
    'hookline.transition',
    run.trace ?? ROOT_CONTEXT,
    { attributes: { [SPAN_ATTRIBUTES.source]: event.source, [SPAN_ATTRIBUTES.eventId]: event.eventId } },
    async (span) => {
      const claimed = await claimAndTransition(tx, deps.config, [event]);
      const transition = claimed[0]?.transition;
      span.setAttributes(
        transition === undefined ? { [SPAN_ATTRIBUTES.duplicate]: true } : { [SPAN_ATTRIBUTES.transition]: transition },
      );
      return claimed;
    },
  );
  if (stored === undefined) {
    if (run.replayKey === undefined) return { kind: 'duplicate' };
    return replayProcessedEvent(tx, deps, source, event, run, run.replayKey);
  }
  if (hasEffects(deps, source)) {
    const facts = {
      transition: stored.transition,
      entity: await entityAfter(tx, event),
      attempt: run.attempt,
      replay: event.replay === true,
    };
    await runEffects(tx, deps, source, event, { id: stored.id, facts, ...(run.trace && { trace: run.trace }) });
  }
  await markProcessed(tx, [stored]);
  // A replay of an event never stored is its first run; its audit row still gets the result.
  if (run.replayKey !== undefined) await completeReplay(tx, run.replayKey, stored.transition);
  return { kind: 'stored', transition: stored.transition };
}

/** Processes one event in its own transaction. Idempotent: a processed event answers `duplicate`. */
export async function processEvent(deps: ProcessDeps, event: EventJob, run: EventRun = FIRST_RUN): Promise<ProcessOutcome> {
  sourceOf(deps.config, event);
  const attributes = { [SPAN_ATTRIBUTES.source]: event.source, [SPAN_ATTRIBUTES.batchSize]: 1 };
  return inSpan(deps.tracing, 'hookline.transaction', run.trace ?? ROOT_CONTEXT, { attributes }, (_span, trace) =>
    deps.db.transaction((tx) => processEventInTransaction(tx, deps, event, { ...run, trace })),
  );
}

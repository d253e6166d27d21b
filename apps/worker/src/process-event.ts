import {
  classifyTransition,
  type EntityStatus,
  rankStatus,
  reopenableStatuses,
  type SourceConfig,
  type SourcesConfig,
  type TransitionOutcome,
} from '@hookline/core';
import {
  advanceEntityStatuses,
  claimEvents,
  completeReplay,
  type Database,
  entityKey,
  eventKey,
  lockProcessedEvent,
  markProcessed,
  readEntityStatuses,
  reopenEntityStatuses,
  type StatusOffer,
  type Transaction,
} from '@hookline/db';
import type { EventJob } from '@hookline/queue';
import type { Logger } from '@hookline/runtime';
import { planForwards } from './forwarding/plan-forwards.js';
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

function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

interface IndexedOffer {
  readonly index: number;
  readonly offer: StatusOffer;
}

/** Splits offers into waves with one offer per entity each, keeping every entity's offers in order. */
function inWaves(offers: readonly IndexedOffer[]): IndexedOffer[][] {
  const waves: IndexedOffer[][] = [];
  const seen = new Map<string, number>();
  for (const item of offers) {
    const key = entityKey(item.offer.key);
    const wave = seen.get(key) ?? 0;
    seen.set(key, wave + 1);
    const members = waves[wave] ?? [];
    members.push(item);
    waves[wave] = members;
  }
  return waves;
}

/** What an event offers its entity, or the outcome when it offers nothing. */
function offerOf(source: SourceConfig, event: EventJob): StatusOffer | TransitionOutcome {
  if (source.statuses === undefined || event.entityId === null || event.status === null) return 'none';
  const next = rankStatus(source.statuses, event.status);
  if (next === undefined) return 'unknown_status';
  return {
    key: { source: event.source, entityId: event.entityId },
    next,
    eventId: event.eventId,
    reopenable: reopenableStatuses(source.statuses, event.eventType),
  };
}

/** Applies the forward-only rule for every offer: one upsert and one read per wave. */
async function applyTransitions(
  tx: Transaction,
  offers: readonly IndexedOffer[],
  transitions: TransitionOutcome[],
): Promise<void> {
  for (const wave of inWaves(offers)) {
    // Rows are locked in key order, so two batches touching the same entities cannot deadlock.
    const sorted = wave.map(({ offer }) => offer).sort((a, b) => compareKeys(entityKey(a.key), entityKey(b.key)));
    const moved = await advanceEntityStatuses(tx, sorted);
    // Refused rows stay locked by the upsert: a reopen rule may still move them, and the
    // read then sees the state that refused each remaining move.
    const reopened = await reopenEntityStatuses(
      tx,
      sorted.filter((offer) => !moved.has(entityKey(offer.key))),
    );
    const refused = wave.filter(({ offer }) => !moved.has(entityKey(offer.key)) && !reopened.has(entityKey(offer.key)));
    const current = await readEntityStatuses(
      tx,
      refused.map(({ offer }) => offer.key),
    );
    for (const { index, offer } of wave) {
      const key = entityKey(offer.key);
      if (moved.has(key)) transitions[index] = 'applied';
      else if (reopened.has(key)) transitions[index] = 'reopened';
      else transitions[index] = classifyTransition(current.get(key), offer.next, offer.reopenable);
    }
  }
}

interface Stored {
  readonly id: number;
  readonly transition: TransitionOutcome;
}

/**
 * Claims events with distinct keys and applies their transitions inside `tx`: one statement
 * claims them all, transitions run in waves. Undefined for an event already processed.
 */
async function claimAndTransition(
  tx: Transaction,
  config: SourcesConfig,
  events: readonly EventJob[],
): Promise<(Stored | undefined)[]> {
  const sources = events.map((event) => sourceOf(config, event));
  // Claimed in key order, for the same reason as entities: no lock-order deadlocks between batches.
  const claimed = await claimEvents(
    tx,
    [...events].sort((a, b) => compareKeys(eventKey(a), eventKey(b))),
  );
  const transitions: TransitionOutcome[] = [];
  const offers: IndexedOffer[] = [];
  events.forEach((event, index) => {
    if (!claimed.has(eventKey(event))) return;
    const offer = offerOf(sources[index] as SourceConfig, event);
    if (typeof offer === 'string') transitions[index] = offer;
    else offers.push({ index, offer });
  });
  await applyTransitions(tx, offers, transitions);
  return events.map((event, index) => {
    const id = claimed.get(eventKey(event));
    const transition = transitions[index];
    return id === undefined || transition === undefined ? undefined : { id, transition };
  });
}

/**
 * Stores events with distinct keys whose sources have no handlers or forwarding: claim,
 * transitions, and one statement marking them processed. Events already processed come back
 * as `duplicate` and change nothing.
 */
export async function storeEvents(
  tx: Transaction,
  config: SourcesConfig,
  events: readonly EventJob[],
): Promise<ProcessOutcome[]> {
  const stored = await claimAndTransition(tx, config, events);
  await markProcessed(
    tx,
    stored.filter((item): item is Stored => item !== undefined),
  );
  return stored.map((item) => (item === undefined ? { kind: 'duplicate' } : { kind: 'stored', transition: item.transition }));
}

/** True when the source runs user code (handlers) or forwards: such events are processed one per transaction. */
export function hasEffects(deps: ProcessDeps, source: SourceConfig): boolean {
  return deps.handlers.has(source.name) || source.forward.length > 0;
}

async function entityAfter(tx: Transaction, event: EventJob): Promise<EntityStatus | undefined> {
  if (event.entityId === null) return undefined;
  const key = { source: event.source, entityId: event.entityId };
  return (await readEntityStatuses(tx, [key])).get(entityKey(key));
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
  await planForwards(tx, source, event, stored);
}

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

/** Offers a processed event's status to its entity again, by the same forward-only rule. */
async function offerAgain(tx: Transaction, source: SourceConfig, event: EventJob): Promise<TransitionOutcome> {
  const offer = offerOf(source, event);
  if (typeof offer === 'string') return offer;
  const transitions: TransitionOutcome[] = [];
  await applyTransitions(tx, [{ index: 0, offer }], transitions);
  return transitions[0] as TransitionOutcome;
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
  const transition = await offerAgain(tx, source, event);
  if (hasEffects(deps, source)) {
    const facts = { transition, entity: await entityAfter(tx, event), attempt, replay: true };
    await runEffects(tx, deps, source, event, { id: stored.id, facts, replayKey });
  }
  await completeReplay(tx, replayKey, transition);
  return { kind: 'replayed', transition };
}

/** Processes one event in its own transaction. Idempotent: a processed event answers `duplicate`. */
export async function processEvent(deps: ProcessDeps, event: EventJob, run: EventRun = FIRST_RUN): Promise<ProcessOutcome> {
  sourceOf(deps.config, event);
  return deps.db.transaction((tx) => processEventInTransaction(tx, deps, event, run));
}

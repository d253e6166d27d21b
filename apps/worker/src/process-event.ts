import {
  classifyTransition,
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
  markProcessed,
  readEntityStatuses,
  reopenEntityStatuses,
  type StatusOffer,
  type Transaction,
} from '@hookline/db';
import type { EventJob } from '@hookline/queue';

export type ProcessOutcome =
  | { readonly kind: 'stored'; readonly transition: TransitionOutcome }
  | { readonly kind: 'duplicate' }
  /** An operator's replay re-ran an already processed event. */
  | { readonly kind: 'replayed'; readonly transition: TransitionOutcome };

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

  const processed: { id: number; transition: TransitionOutcome }[] = [];
  const outcomes = events.map((event, index): ProcessOutcome => {
    const id = claimed.get(eventKey(event));
    const transition = transitions[index];
    if (id === undefined || transition === undefined) return { kind: 'duplicate' };
    processed.push({ id, transition });
    return { kind: 'stored', transition };
  });
  await markProcessed(tx, processed);
  return outcomes;
}

/** Stores one event in its own transaction. Idempotent: a processed event answers `duplicate`. */
export async function processEvent(deps: ProcessDeps, event: EventJob): Promise<ProcessOutcome> {
  sourceOf(deps.config, event);
  const [outcome] = await deps.db.transaction((tx) => storeEvents(tx, deps.config, [event]));
  return outcome as ProcessOutcome;
}

/** Offers a processed event's status to its entity again, under the same forward-only rule. */
async function offerAgain(tx: Transaction, source: SourceConfig, event: EventJob): Promise<TransitionOutcome> {
  const offer = offerOf(source, event);
  if (typeof offer === 'string') return offer;
  const transitions: TransitionOutcome[] = [];
  await applyTransitions(tx, [{ index: 0, offer }], transitions);
  return transitions[0] as TransitionOutcome;
}

/**
 * Runs an event again on purpose: an operator's replay, job `jobId`. An event not processed
 * yet (it was failing) is stored as usual; a processed one is not a duplicate here: its
 * transition runs again — forward-only still, so a status never moves back. The outcome is
 * recorded on the replay's audit row in the same transaction; the event row keeps the
 * transition of its first run.
 */
export async function replayEvent(deps: ProcessDeps, event: EventJob, jobId: string): Promise<ProcessOutcome> {
  const source = sourceOf(deps.config, event);
  return deps.db.transaction(async (tx) => {
    const [first] = await storeEvents(tx, deps.config, [event]);
    const outcome: ProcessOutcome =
      first?.kind === 'stored' ? first : { kind: 'replayed', transition: await offerAgain(tx, source, event) };
    await completeReplay(tx, jobId, outcome.transition);
    return outcome;
  });
}

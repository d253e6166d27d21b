import {
  classifyTransition,
  inLockOrder,
  planWaves,
  rankStatus,
  reopenableStatuses,
  type SourceConfig,
  type SourcesConfig,
  type TransitionOutcome,
} from '@hookline/core';
import {
  advanceEntityStatuses,
  claimEvents,
  entityKey,
  eventKey,
  markProcessed,
  readEntityStatuses,
  reopenEntityStatuses,
  type StatusOffer,
  type Transaction,
} from '@hookline/db';
import type { EventJob } from '@hookline/queue';
import type { ProcessOutcome } from './process-event.js';
import { sourceOf } from './source-of.js';

interface IndexedOffer {
  readonly index: number;
  readonly offer: StatusOffer;
}

/** What an event offers its entity, or the outcome when it offers nothing. */
export function offerOf(source: SourceConfig, event: EventJob): StatusOffer | TransitionOutcome {
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
  // Waves in lock order: two batches touching the same entities cannot deadlock.
  for (const wave of planWaves(offers, ({ offer }) => entityKey(offer.key))) {
    const sorted = wave.map(({ offer }) => offer);
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

/** Offers a processed event's status to its entity again, by the same forward-only rule. */
export async function offerAgain(tx: Transaction, source: SourceConfig, event: EventJob): Promise<TransitionOutcome> {
  const offer = offerOf(source, event);
  if (typeof offer === 'string') return offer;
  const transitions: TransitionOutcome[] = [];
  await applyTransitions(tx, [{ index: 0, offer }], transitions);
  return transitions[0] as TransitionOutcome;
}

export interface Stored {
  readonly id: number;
  readonly transition: TransitionOutcome;
}

/**
 * Claims events with distinct keys and applies their transitions inside `tx`: one statement
 * claims them all, transitions run in waves. Undefined for an event already processed.
 */
export async function claimAndTransition(
  tx: Transaction,
  config: SourcesConfig,
  events: readonly EventJob[],
): Promise<(Stored | undefined)[]> {
  const sources = events.map((event) => sourceOf(config, event));
  // Claimed in lock order, for the same reason as entities: no lock-order deadlocks between batches.
  const claimed = await claimEvents(tx, inLockOrder(events, eventKey));
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

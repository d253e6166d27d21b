import type { IncomingEvent } from '@hookline/core';
import { JOB_RANKS, jobBody, seededRandom } from '@hookline/e2e/harness';

const RANKS = JOB_RANKS;
const STATUSES = Object.keys(RANKS);

/** A verified `jobs` delivery as the ingester would enqueue it. */
export function incomingEvent(eventId: string, entityId: string, status: string): IncomingEvent {
  return {
    source: 'jobs',
    eventId,
    eventType: 'job.updated',
    entityId,
    status,
    rawBody: jobBody(entityId, status),
    headers: { 'content-type': 'application/json' },
    receivedAt: Date.now(),
  };
}

export interface Backlog {
  /** In enqueue order: shuffled, every event twice. */
  readonly deliveries: readonly IncomingEvent[];
  readonly uniqueEvents: number;
  /** Each entity's expected final status: the highest-ranked one it was sent. */
  readonly expected: ReadonlyMap<string, string>;
}

/**
 * `entities` entities with `eventsPerEntity` events each (distinct event ids; statuses drawn
 * with repetition, so an entity may get the same status twice), shuffled, each delivered twice.
 */
export function planBacklog(entities: number, eventsPerEntity: number, seed: number): Backlog {
  const next = seededRandom(seed);
  const events: IncomingEvent[] = [];
  const expected = new Map<string, string>();
  for (let entity = 0; entity < entities; entity++) {
    const entityId = `entity-${entity}`;
    let best = '';
    for (let n = 0; n < eventsPerEntity; n++) {
      const status = STATUSES[Math.floor(next() * STATUSES.length)] as string;
      if ((RANKS[status] ?? 0) > (RANKS[best] ?? 0)) best = status;
      events.push(incomingEvent(`${entityId}-${n}`, entityId, status));
    }
    expected.set(entityId, best);
  }
  const deliveries = [...events, ...events];
  for (let i = deliveries.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [deliveries[i], deliveries[j]] = [deliveries[j] as IncomingEvent, deliveries[i] as IncomingEvent];
  }
  return { deliveries, uniqueEvents: events.length, expected };
}

import type { StatusRules } from '@hookline/core';
import type { EntityHistory } from '../routes/entities.js';
import { transitionClass } from './layout.js';

/** One thing that happened to an entity: an event offered it a status, or an operator replayed one. */
export interface TimelineItem {
  readonly kind: 'event' | 'replay';
  /** When it happened: an event's receipt; a replay's run (or request, while it waits). */
  readonly at: string;
  readonly eventId: string;
  readonly eventType: string | null;
  /** The status offered; null when the event carried none (or the replayed event is out of view). */
  readonly status: string | null;
  /** The transition it produced; null until processed. */
  readonly transition: string | null;
  readonly effect: ReturnType<typeof transitionClass>;
  /** The offered status's rank, when the source ranks it. */
  readonly rank: number | undefined;
  /** Whether the offered status is terminal. */
  readonly terminal: boolean;
  /** The entity's status once this item was applied, as far as the items shown tell. */
  readonly after: string | undefined;
  /** Who asked for a replay. */
  readonly actor?: string;
}

/**
 * An entity's events and the replays of them, in time order, each with what it did to the
 * status: the explorer's timeline and its chart are drawn from this.
 */
export function buildTimeline(history: EntityHistory, rules: StatusRules | undefined): TimelineItem[] {
  const statusOf = new Map(history.events.map((event) => [event.eventId, event]));
  const ranked = (status: string | null) => ({
    rank: status === null ? undefined : rules?.ranks[status],
    terminal: status !== null && (rules?.terminal.includes(status) ?? false),
  });
  const entries = [
    ...history.events.map((event) => ({
      kind: 'event' as const,
      at: event.receivedAt,
      eventId: event.eventId,
      eventType: event.eventType,
      status: event.status,
      transition: event.transition,
    })),
    ...history.replays.map((replay) => {
      const replayed = statusOf.get(replay.eventId);
      return {
        kind: 'replay' as const,
        at: replay.completedAt ?? replay.at,
        eventId: replay.eventId,
        eventType: replayed?.eventType ?? null,
        status: replayed?.status ?? null,
        transition: replay.result,
        actor: replay.actor,
      };
    }),
  ];
  // A stable sort: events keep the history's order (arrival, then row) among equal times.
  entries.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  let current: string | undefined;
  return entries.map((entry) => {
    const effect = transitionClass(entry.transition);
    if (effect === 'moved' && entry.status !== null) current = entry.status;
    return { ...entry, effect, ...ranked(entry.status), after: current };
  });
}

import { type ForwardDestination, forwardMessageId, matchEventTypes, type SourceConfig } from '@hookline/core';
import { createForwards, type Transaction } from '@hookline/db';
import type { EventJob } from '@hookline/queue';
import type { EventFacts } from '../handlers/run-handlers.js';

const matchers = new WeakMap<ForwardDestination, ReturnType<typeof matchEventTypes>>();

function forwards(destination: ForwardDestination, eventType: string | null): boolean {
  let matches = matchers.get(destination);
  if (matches === undefined) {
    matches = matchEventTypes(destination.eventTypes);
    matchers.set(destination, matches);
  }
  return matches(eventType);
}

/**
 * Writes one outbox row per destination that takes this event, in the event's transaction:
 * the forwards exist exactly when the event is processed. Sending happens after commit.
 */
export async function planForwards(
  tx: Transaction,
  source: SourceConfig,
  event: EventJob,
  stored: { readonly id: number; readonly facts: EventFacts; readonly replayKey?: string },
): Promise<void> {
  const destinations = source.forward.filter((destination) => forwards(destination, event.eventType));
  await createForwards(
    tx,
    destinations.map((destination) => ({
      webhookEventId: stored.id,
      messageId: forwardMessageId(source.name, event.eventId, destination.url, stored.replayKey),
      destination: destination.url,
      entityStatus: stored.facts.entity?.status ?? null,
      transition: stored.facts.transition,
      replay: stored.facts.replay,
    })),
  );
}

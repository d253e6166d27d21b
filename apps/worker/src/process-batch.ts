import { eventKey } from '@hookline/db';
import type { EventJob } from '@hookline/queue';
import { type ProcessDeps, type ProcessOutcome, processEvent, storeEvents, UnknownSourceError } from './process-event.js';

/** The fallback: each event in its own transaction, in batch order. */
async function processOneByOne(deps: ProcessDeps, events: readonly EventJob[]): Promise<PromiseSettledResult<ProcessOutcome>[]> {
  const results: PromiseSettledResult<ProcessOutcome>[] = [];
  for (const event of events) {
    try {
      results.push({ status: 'fulfilled', value: await processEvent(deps, event) });
    } catch (reason) {
      results.push({ status: 'rejected', reason });
    }
  }
  return results;
}

/**
 * Stores a batch of events in one transaction: one commit (one WAL flush) for the batch
 * instead of one per event. Copies of one event in the batch are stored once; the others
 * answer `duplicate`. If the batch fails — one poison event aborts the whole transaction —
 * every event is retried on its own, so one bad event fails alone and the rest are stored.
 */
export async function processBatch(
  deps: ProcessDeps,
  events: readonly EventJob[],
): Promise<PromiseSettledResult<ProcessOutcome>[]> {
  const firstIndex = new Map<string, number>();
  const unique: EventJob[] = [];
  for (const [index, event] of events.entries()) {
    const key = eventKey(event);
    if (!firstIndex.has(key) && deps.config.sources.has(event.source)) {
      firstIndex.set(key, index);
      unique.push(event);
    }
  }
  let stored: ProcessOutcome[] | undefined;
  try {
    stored = await deps.db.transaction((tx) => storeEvents(tx, deps.config, unique));
  } catch {
    return processOneByOne(deps, events);
  }
  const byKey = new Map(unique.map((event, index) => [eventKey(event), stored[index] as ProcessOutcome]));
  return events.map((event, index): PromiseSettledResult<ProcessOutcome> => {
    if (!deps.config.sources.has(event.source)) return { status: 'rejected', reason: new UnknownSourceError(event.source) };
    const key = eventKey(event);
    if (firstIndex.get(key) !== index) return { status: 'fulfilled', value: { kind: 'duplicate' } };
    return { status: 'fulfilled', value: byKey.get(key) as ProcessOutcome };
  });
}

import { eventKey } from '@hookline/db';
import type { EventJob } from '@hookline/queue';
import { SPAN_ATTRIBUTES } from '@hookline/runtime';
import { hasEffects } from './effects.js';
import { type EventRun, type ProcessDeps, type ProcessOutcome, processEvent } from './process-event.js';
import { storeEvents } from './transitions.js';

/** One active job's event and what the job adds to it. */
export interface BatchItem {
  readonly event: EventJob;
  readonly run: EventRun;
}

type Settled = PromiseSettledResult<ProcessOutcome>;

async function settle(work: () => Promise<ProcessOutcome>): Promise<Settled> {
  try {
    return { status: 'fulfilled', value: await work() };
  } catch (reason) {
    return { status: 'rejected', reason };
  }
}

/** The fallback: each event in its own transaction, in batch order. */
async function processOneByOne(deps: ProcessDeps, items: readonly BatchItem[]): Promise<Settled[]> {
  const results: Settled[] = [];
  for (const { event, run } of items) results.push(await settle(() => processEvent(deps, event, run)));
  return results;
}

/** Events stored in the shared transaction: known source, no user code or forwarding, not a replay. */
function isPlain(deps: ProcessDeps, { event, run }: BatchItem): boolean {
  const source = deps.config.sources.get(event.source);
  return source !== undefined && !hasEffects(deps, source) && run.replayKey === undefined;
}

/**
 * The shared transaction as a span in each stored event's trace: one transaction, several
 * traces, so each gets a span with the transaction's own start and end.
 */
function recordSharedTransaction(
  deps: ProcessDeps,
  stored: readonly { item: BatchItem; outcome: ProcessOutcome }[],
  startTime: number,
): void {
  if (!deps.tracing.enabled) return;
  const endTime = Date.now();
  for (const { item, outcome } of stored) {
    if (item.run.trace === undefined) continue;
    const span = deps.tracing.tracer.startSpan(
      'hookline.transaction',
      {
        startTime,
        attributes: {
          [SPAN_ATTRIBUTES.source]: item.event.source,
          [SPAN_ATTRIBUTES.batchSize]: stored.length,
          [SPAN_ATTRIBUTES.duplicate]: outcome.kind === 'duplicate',
          ...(outcome.kind !== 'duplicate' && { [SPAN_ATTRIBUTES.transition]: outcome.transition }),
        },
      },
      item.run.trace,
    );
    span.end(endTime);
  }
}

/**
 * Stores plain events in one transaction: one commit (one WAL flush) for the batch instead
 * of one per event, and copies of one event stored once (the others answer `duplicate`).
 * If that transaction fails — one poison event aborts it — each plain event is retried on
 * its own, so one bad event fails alone. Events whose source runs handlers or forwards, and
 * replays, each get a transaction of their own, so one failing handler never fails its
 * neighbours.
 */
export async function processBatch(deps: ProcessDeps, items: readonly BatchItem[]): Promise<Settled[]> {
  const results: Settled[] = new Array(items.length);
  const own: Promise<void>[] = [];
  const plain: { index: number; item: BatchItem }[] = [];
  items.forEach((item, index) => {
    if (isPlain(deps, item)) plain.push({ index, item });
    else
      own.push(
        settle(() => processEvent(deps, item.event, item.run)).then((result) => {
          results[index] = result;
        }),
      );
  });

  const firstOf = new Map<string, number>();
  const unique: BatchItem[] = [];
  for (const { index, item } of plain) {
    const key = eventKey(item.event);
    if (!firstOf.has(key)) {
      firstOf.set(key, index);
      unique.push(item);
    }
  }
  try {
    const startTime = Date.now();
    const stored = await deps.db.transaction((tx) =>
      storeEvents(
        tx,
        deps.config,
        unique.map(({ event }) => event),
      ),
    );
    recordSharedTransaction(
      deps,
      unique.map((item, position) => ({ item, outcome: stored[position] as ProcessOutcome })),
      startTime,
    );
    const byKey = new Map(unique.map(({ event }, position) => [eventKey(event), stored[position] as ProcessOutcome]));
    for (const { index, item } of plain) {
      const key = eventKey(item.event);
      const value = firstOf.get(key) === index ? (byKey.get(key) as ProcessOutcome) : ({ kind: 'duplicate' } as const);
      results[index] = { status: 'fulfilled', value };
    }
  } catch {
    const retried = await processOneByOne(
      deps,
      plain.map(({ item }) => item),
    );
    plain.forEach(({ index }, position) => {
      results[index] = retried[position] as Settled;
    });
  }
  await Promise.all(own);
  return results;
}

import type { SourceConfig } from '@hookline/core';
import { completeReplay, lockProcessedEvent, type Transaction } from '@hookline/db';
import type { EventJob } from '@hookline/queue';
import { entityAfter, hasEffects, runEffects } from './effects.js';
import type { EventRun, ProcessDeps, ProcessOutcome } from './process-event.js';
import { offerAgain } from './transitions.js';

/**
 * An operator's replay of an event already processed: its status is offered again (forward-only
 * rules still apply), handlers and forwarding run again on purpose, and the result goes on the
 * replay's audit row.
 */
export async function replayProcessedEvent(
  tx: Transaction,
  deps: ProcessDeps,
  source: SourceConfig,
  event: EventJob,
  run: EventRun,
  replayKey: string,
): Promise<ProcessOutcome> {
  // Locked, so that replays of one event run one after the other.
  const stored = await lockProcessedEvent(tx, event);
  if (stored === undefined) return { kind: 'duplicate' };
  const transition = await offerAgain(tx, source, event);
  if (hasEffects(deps, source)) {
    const facts = { transition, entity: await entityAfter(tx, event), attempt: run.attempt, replay: true };
    await runEffects(tx, deps, source, event, { id: stored.id, facts, replayKey, ...(run.trace && { trace: run.trace }) });
  }
  await completeReplay(tx, replayKey, transition);
  return { kind: 'replayed', transition };
}

import type { EntityStatus, SourceConfig } from '@hookline/core';
import { entityKey, readEntityStatuses, type Transaction } from '@hookline/db';
import type { EventJob } from '@hookline/queue';
import { type Context, ROOT_CONTEXT } from '@opentelemetry/api';
import { planForwards } from './forwarding/plan-forwards.js';
import { type EventFacts, runHandlers } from './handlers/run-handlers.js';
import type { ProcessDeps } from './process-event.js';

/** True when the source runs user code (handlers) or forwards: such events are processed one per transaction. */
export function hasEffects(deps: Pick<ProcessDeps, 'handlers'>, source: SourceConfig): boolean {
  return deps.handlers.has(source.name) || source.forward.length > 0;
}

/** The entity as the event's transition left it, for the handlers' context. */
export async function entityAfter(tx: Transaction, event: EventJob): Promise<EntityStatus | undefined> {
  if (event.entityId === null) return undefined;
  const key = { source: event.source, entityId: event.entityId };
  return (await readEntityStatuses(tx, [key])).get(entityKey(key));
}

/** The user's effects, in the event's transaction: handlers first, then the forwarding outbox. */
export async function runEffects(
  tx: Transaction,
  deps: ProcessDeps,
  source: SourceConfig,
  event: EventJob,
  stored: { readonly id: number; readonly facts: EventFacts; readonly replayKey?: string; readonly trace?: Context },
): Promise<void> {
  const handlers = deps.handlers.get(source.name);
  if (handlers !== undefined) {
    await runHandlers(tx, handlers, event, stored.facts, deps.logger, {
      tracing: deps.tracing,
      parent: stored.trace ?? ROOT_CONTEXT,
    });
  }
  await planForwards(tx, source, event, stored);
}

import { type EntityStatus, payloadText, type TransitionOutcome } from '@hookline/core';
import type { Transaction } from '@hookline/db';
import { type HandlerEvent, isPermanentError } from '@hookline/handler';
import type { EventJob } from '@hookline/queue';
import { inSpan, type Logger, SPAN_ATTRIBUTES, type Tracing } from '@hookline/runtime';
import type { Context } from '@opentelemetry/api';
import { failureMessage } from '../failure.js';
import { HandlerError } from './handler-error.js';
import type { LoadedHandler } from './load-handlers.js';

/** What the worker knows about an event once its transition is applied. */
export interface EventFacts {
  readonly transition: TransitionOutcome;
  /** The entity's status after the transition; undefined when the event has no known entity. */
  readonly entity: EntityStatus | undefined;
  readonly attempt: number;
  readonly replay: boolean;
}

function handlerEvent(event: EventJob): HandlerEvent {
  return {
    source: event.source,
    eventId: event.eventId,
    eventType: event.eventType,
    entityId: event.entityId,
    status: event.status,
    // Parsed per handler: one handler mutating its payload cannot change what the next sees.
    payload: JSON.parse(payloadText(event)),
    rawBody: event.rawBody,
    headers: event.headers,
    receivedAt: new Date(event.receivedAt),
  };
}

/**
 * Runs the handlers that match the event, in order, inside its transaction. The first one
 * to throw stops the rest; the caller's transaction then rolls back every write of the attempt.
 */
export async function runHandlers(
  tx: Transaction,
  handlers: readonly LoadedHandler[],
  event: EventJob,
  facts: EventFacts,
  logger: Logger,
  trace: { readonly tracing: Tracing; readonly parent: Context },
): Promise<void> {
  for (const { path, handler, matches } of handlers) {
    if (!matches(event.eventType)) continue;
    const log = logger.child({ source: event.source, eventId: event.eventId, handler: path });
    const entity = facts.entity === undefined || event.entityId === null ? null : { id: event.entityId, ...facts.entity };
    const attributes = { [SPAN_ATTRIBUTES.handler]: path, [SPAN_ATTRIBUTES.source]: event.source };
    try {
      await inSpan(trace.tracing, 'hookline.handler', trace.parent, { attributes }, () =>
        handler.handle(handlerEvent(event), {
          tx,
          entity,
          transition: facts.transition,
          log,
          attempt: facts.attempt,
          replay: facts.replay,
        }),
      );
    } catch (error) {
      const permanent = isPermanentError(error);
      log.warn({ err: error, attempt: facts.attempt, permanent }, 'handler threw; the attempt is rolled back');
      throw new HandlerError(`handler ${path} threw: ${failureMessage(error)}`, permanent, { cause: error });
    }
  }
}

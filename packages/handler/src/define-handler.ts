import type { TransitionOutcome } from '@hookline/core';
import type { TablesRelationalConfig } from 'drizzle-orm';
import type { PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';
import type { Logger } from 'pino';

/** The open transaction a handler writes in: the one that stores the event and marks it processed. */
export type HandlerTransaction = PgTransaction<PgQueryResultHKT, Record<string, unknown>, TablesRelationalConfig>;

/** The stored event a handler runs for. */
export interface HandlerEvent<Payload = unknown> {
  readonly source: string;
  /** The sender's own event id (unique per source). */
  readonly eventId: string;
  readonly eventType: string | null;
  readonly entityId: string | null;
  /** The status this event carries; the entity's status after it is `ctx.entity`. */
  readonly status: string | null;
  /** The body, parsed. */
  readonly payload: Payload;
  /** The body exactly as received. */
  readonly rawBody: string;
  /** Request headers, signature and credential headers removed. */
  readonly headers: Readonly<Record<string, string>>;
  readonly receivedAt: Date;
}

/** An entity's stored status, as this event's transaction sees it. */
export interface EntityState {
  readonly id: string;
  readonly status: string;
  readonly rank: number;
  readonly terminal: boolean;
}

export interface HandlerContext {
  /** Hookline's transaction: every write through it commits exactly when the event is marked processed. */
  readonly tx: HandlerTransaction;
  /** The entity's state after this event's transition; null when the event has none or it is unknown. */
  readonly entity: EntityState | null;
  /** What this event did to its entity: `applied`, `stale`, `terminal`, … */
  readonly transition: TransitionOutcome;
  /** A logger bound to the source, event and handler. */
  readonly log: Logger;
  /** 1 on the first try, then 2, 3, … as failed attempts are retried. */
  readonly attempt: number;
  /** True when an operator replayed an already processed event, which runs handlers again on purpose. */
  readonly replay: boolean;
}

export interface HandlerDefinition<Payload = unknown> {
  /** Event types to run for, as globs (`payment_intent.*`); every event when absent. */
  readonly eventTypes?: readonly string[];
  /** Throw to roll the whole attempt back and retry it; throw `PermanentError` to fail without retries. */
  handle(event: HandlerEvent<Payload>, ctx: HandlerContext): Promise<void> | void;
}

const HANDLER = Symbol.for('hookline.handler');

/** A handler module's default export, made by `defineHandler`. */
export interface Handler<Payload = unknown> extends HandlerDefinition<Payload> {
  readonly [HANDLER]: true;
}

/** Declares a handler; a module that Hookline loads default-exports the result. */
export function defineHandler<Payload = unknown>(definition: HandlerDefinition<Payload>): Handler<Payload> {
  if (typeof definition?.handle !== 'function') throw new TypeError('defineHandler: handle must be a function');
  const { eventTypes } = definition;
  if (
    eventTypes !== undefined &&
    !(Array.isArray(eventTypes) && eventTypes.every((type) => typeof type === 'string' && type !== ''))
  ) {
    throw new TypeError('defineHandler: eventTypes must be an array of non-empty strings');
  }
  return Object.freeze({
    ...(eventTypes !== undefined && { eventTypes: Object.freeze([...eventTypes]) }),
    handle: definition.handle.bind(definition),
    [HANDLER]: true as const,
  });
}

/**
 * True for a value made by `defineHandler`, from this copy of the package or another:
 * the brand is a registered symbol, so a handler built against a different install still counts.
 */
export function isHandler(value: unknown): value is Handler {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as Record<symbol, unknown>)[HANDLER] === true &&
    typeof (value as { handle?: unknown }).handle === 'function'
  );
}

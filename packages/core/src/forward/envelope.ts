import type { TransitionOutcome } from '../status/transition.js';

/** What a forwarded request says about one stored event. */
export interface EnvelopeInput {
  readonly eventId: string;
  readonly source: string;
  readonly eventType: string | null;
  readonly entityId: string | null;
  /** The entity's status after this event's transition; null when the event has no entity. */
  readonly status: string | null;
  readonly transition: TransitionOutcome;
  readonly receivedAt: Date;
  /** True when an operator replayed the event. */
  readonly replay: boolean;
  /** The payload as JSON text: a JSON body exactly as received, a form's fields as JSON (`payloadText`). */
  readonly payloadText: string;
}

/**
 * The JSON body Hookline forwards. The original payload is spliced in as received, not
 * re-serialised, so numbers beyond double precision and key order survive the trip.
 */
export function buildEnvelope(input: EnvelopeInput): string {
  const head = JSON.stringify({
    eventId: input.eventId,
    source: input.source,
    type: input.eventType,
    entityId: input.entityId,
    status: input.status,
    transition: input.transition,
    receivedAt: input.receivedAt.toISOString(),
    replay: input.replay,
  });
  return `${head.slice(0, -1)},"payload":${input.payloadText.trim()}}`;
}

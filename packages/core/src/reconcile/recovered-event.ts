import type { SourceConfig } from '../config/sources-config.js';
import type { IncomingEvent } from '../ingest/incoming-event.js';
import { describeDelivery } from '../ingest/prepare-event.js';

/**
 * Set on every event a reconciliation recovered, naming the API it came from: stored with the
 * event's headers, so a recovered copy is told apart from a delivery without a column of its own.
 */
export const RECOVERED_HEADER = 'x-hookline-recovered';

export type RecoveredVia = 'stripe-events-api' | 'github-deliveries-api' | 'apify-runs-api';

export interface RecoveredDelivery {
  /** The request headers the provider sent (or would send) with it. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  readonly via: RecoveredVia;
  /** When the reconciliation found it: the event's received time. */
  readonly recoveredAt: number;
}

export type RecoverResult =
  | { readonly ok: true; readonly event: IncomingEvent }
  | { readonly ok: false; readonly reason: 'malformed_body' | 'missing_event_id' | 'handshake' };

/**
 * The event a delivery read from the provider's API stands for: exactly what the ingester
 * would have enqueued for it (same event id, so the same job id and the same row), marked
 * as recovered.
 */
export function recoverEvent(source: SourceConfig, delivery: RecoveredDelivery): RecoverResult {
  const headers = { ...lowerCased(delivery.headers), [RECOVERED_HEADER]: delivery.via };
  const described = describeDelivery(source, {
    headers,
    rawBody: Buffer.from(delivery.body, 'utf8'),
    receivedAt: delivery.recoveredAt,
  });
  if (!described.ok) return { ok: false, reason: described.code };
  if (described.kind === 'handshake') return { ok: false, reason: 'handshake' };
  return { ok: true, event: described.event };
}

function lowerCased(headers: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
}

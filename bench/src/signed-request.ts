import { signHmacSha256 } from '@hookline/core';
import { BENCH_SECRET } from './bench-config.js';

// Pads every body to about 1 KB, the size the reference figures use.
const PADDING = 'x'.repeat(900);

export function eventBody(eventId: string, entity: string, status: string): string {
  return JSON.stringify({ id: eventId, type: 'payment.updated', data: { id: entity, status, note: PADDING } });
}

/** Headers and body of one delivery signed as the generic scheme's sender would. */
export function signedDelivery(eventId: string, entity = `ent_${eventId}`, status = 'processing') {
  const body = eventBody(eventId, entity, status);
  const timestamp = Math.floor(Date.now() / 1000);
  return {
    body,
    headers: {
      'content-type': 'application/json',
      'x-event-id': eventId,
      'x-timestamp': String(timestamp),
      'x-signature': `sha256=${signHmacSha256(BENCH_SECRET, eventId, timestamp, Buffer.from(body))}`,
    },
  };
}

/** Event ids for a run: unique, or 90 % repeats of the last 100 (a duplicate storm). */
export function eventIdSource(mode: 'unique' | 'duplicates', runId: string): () => string {
  let counter = 0;
  return () => {
    counter++;
    if (mode === 'duplicates' && counter > 100 && Math.random() < 0.9) {
      return `${runId}-${counter - 1 - Math.floor(Math.random() * 100)}`;
    }
    return `${runId}-${counter}`;
  };
}

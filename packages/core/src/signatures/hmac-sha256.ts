import { createHmac } from 'node:crypto';
import { headerValue } from '../headers.js';
import { readIdentifier } from '../json-path.js';
import { bytesEqual, parseUnixSeconds, withinTolerance } from './compare.js';
import type { SignatureScheme, VerifyInput, VerifyResult } from './scheme.js';

const PREFIX = 'sha256=';

/**
 * HMAC-SHA256 over `"<event id>.<timestamp>.<raw body>"`, hex-encoded. The id is signed so a
 * captured delivery cannot be stored again under a fresh id.
 */
export function signHmacSha256(secret: string, eventId: string, timestamp: number, rawBody: Buffer): string {
  return createHmac('sha256', secret).update(`${eventId}.${timestamp}.`).update(rawBody).digest('hex');
}

/**
 * The generic scheme for senders without a preset:
 * `x-event-id`, `x-timestamp` (unix seconds), `x-signature: sha256=<hex>`.
 */
export const hmacSha256Scheme: SignatureScheme = {
  name: 'hmac-sha256',
  signatureHeaders: ['x-signature'],
  defaultToleranceSeconds: 300,
  idSigned: true,
  verify(input: VerifyInput): VerifyResult {
    const header = headerValue(input.headers, 'x-signature');
    const timestampHeader = headerValue(input.headers, 'x-timestamp');
    const eventId = headerValue(input.headers, 'x-event-id');
    if (header === undefined || timestampHeader === undefined || eventId === undefined) {
      return { ok: false, reason: 'missing_signature' };
    }
    const timestamp = parseUnixSeconds(timestampHeader);
    if (timestamp === undefined || !header.startsWith(PREFIX)) return { ok: false, reason: 'invalid_signature' };
    const hex = header.slice(PREFIX.length);
    if (!/^[0-9a-f]{64}$/i.test(hex)) return { ok: false, reason: 'invalid_signature' };
    const given = Buffer.from(hex, 'hex');
    const match = input.secrets.find((secret) =>
      bytesEqual(given, Buffer.from(signHmacSha256(secret.value, eventId, timestamp, input.rawBody), 'hex')),
    );
    if (match === undefined) return { ok: false, reason: 'invalid_signature' };
    // Checked after the signature so an unauthenticated caller learns nothing about our clock.
    if (!withinTolerance(timestamp, input.nowSeconds, input.toleranceSeconds)) {
      return { ok: false, reason: 'timestamp_out_of_tolerance' };
    }
    return { ok: true, secretIndex: match.index };
  },
  sign({ secret, rawBody, nowSeconds, eventId }) {
    return {
      headers: {
        'x-event-id': eventId,
        'x-timestamp': String(nowSeconds),
        'x-signature': `${PREFIX}${signHmacSha256(secret, eventId, nowSeconds, rawBody)}`,
      },
    };
  },
  eventId: ({ headers }) => headerValue(headers, 'x-event-id'),
  eventType: ({ body }) => readIdentifier(body, 'type'),
};

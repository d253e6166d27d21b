import { createHmac } from 'node:crypto';
import { headerValue } from '../headers.js';
import { readIdentifier } from '../json-path.js';
import { bytesEqual, parseUnixSeconds, withinTolerance } from './compare.js';
import type { SignatureScheme, VerifyInput, VerifyResult } from './scheme.js';

const SECRET_PREFIX = 'whsec_';

/** Standard Webhooks secrets are base64 key bytes, optionally behind a `whsec_` prefix. */
export function standardWebhooksKey(secret: string): Buffer {
  const encoded = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
  return Buffer.from(encoded, 'base64');
}

function sign(key: Buffer, id: string, timestamp: string, rawBody: Buffer): Buffer {
  return createHmac('sha256', key).update(`${id}.${timestamp}.`).update(rawBody).digest();
}

/** Fewer key bytes than this and the HMAC key is guessable; the standard asks for 24 to 64. */
export const MIN_STANDARD_WEBHOOKS_KEY_BYTES = 16;

/**
 * True for base64 of at least 16 key bytes, optionally behind `whsec_`: the form every Standard
 * Webhooks library accepts. Anything else would be decoded leniently (Node skips what is not
 * base64) into a short or empty key that signs forgeries as well as real deliveries.
 */
export function isStandardWebhooksSecret(secret: string): boolean {
  const encoded = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
  return (
    encoded.length % 4 === 0 &&
    /^[A-Za-z0-9+/]+={0,2}$/.test(encoded) &&
    Buffer.from(encoded, 'base64').length >= MIN_STANDARD_WEBHOOKS_KEY_BYTES
  );
}

/** The `webhook-signature` value for a message Hookline sends: `v1,<base64 HMAC-SHA256>`. */
export function signStandardWebhooks(secret: string, id: string, timestampSeconds: number, body: string): string {
  return `v1,${sign(standardWebhooksKey(secret), id, String(timestampSeconds), Buffer.from(body)).toString('base64')}`;
}

/** The `v1,<base64>` entries of a space-separated signature header; other versions are ignored. */
function v1Signatures(header: string): Buffer[] {
  return header
    .split(' ')
    .filter((entry) => entry.startsWith('v1,'))
    .map((entry) => Buffer.from(entry.slice(3), 'base64'));
}

/** The names of the three headers: `webhook-*` in the standard, `svix-*` from Svix. */
export interface StandardWebhooksHeaders {
  readonly id: string;
  readonly timestamp: string;
  readonly signature: string;
}

/** The Standard Webhooks scheme over the given header names. */
export function createStandardWebhooksScheme(name: string, names: StandardWebhooksHeaders): SignatureScheme {
  return {
    name,
    signatureHeaders: [names.signature],
    defaultToleranceSeconds: 300,
    idSigned: true,
    verify(input: VerifyInput): VerifyResult {
      const id = headerValue(input.headers, names.id);
      const timestampHeader = headerValue(input.headers, names.timestamp);
      const header = headerValue(input.headers, names.signature);
      if (id === undefined || timestampHeader === undefined || header === undefined) {
        return { ok: false, reason: 'missing_signature' };
      }
      const timestamp = parseUnixSeconds(timestampHeader);
      const given = v1Signatures(header);
      if (timestamp === undefined || given.length === 0) return { ok: false, reason: 'invalid_signature' };
      const match = input.secrets.find((secret) => {
        const expected = sign(standardWebhooksKey(secret.value), id, timestampHeader, input.rawBody);
        return given.some((signature) => bytesEqual(signature, expected));
      });
      if (match === undefined) return { ok: false, reason: 'invalid_signature' };
      if (!withinTolerance(timestamp, input.nowSeconds, input.toleranceSeconds)) {
        return { ok: false, reason: 'timestamp_out_of_tolerance' };
      }
      return { ok: true, secretIndex: match.index };
    },
    sign({ secret, rawBody, nowSeconds, eventId }) {
      const timestamp = String(nowSeconds);
      const signature = sign(standardWebhooksKey(secret), eventId, timestamp, rawBody).toString('base64');
      return { headers: { [names.id]: eventId, [names.timestamp]: timestamp, [names.signature]: `v1,${signature}` } };
    },
    eventId: ({ headers }) => headerValue(headers, names.id),
    eventType: ({ body }) => readIdentifier(body, 'type'),
  };
}

/** Standard Webhooks: `webhook-id`, `webhook-timestamp`, `webhook-signature`. */
export const standardWebhooksScheme = createStandardWebhooksScheme('standard-webhooks', {
  id: 'webhook-id',
  timestamp: 'webhook-timestamp',
  signature: 'webhook-signature',
});

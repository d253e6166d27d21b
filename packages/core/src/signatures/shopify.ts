import { createHmac } from 'node:crypto';
import { type Headers, headerValue } from '../headers.js';
import { bytesEqual } from './compare.js';
import type { SignatureScheme, VerifyInput, VerifyResult } from './scheme.js';

/** Shopify's newer header names drop the `x-` prefix; both are read, the prefixed one first. */
function shopifyHeader(headers: Headers, name: string): string | undefined {
  return headerValue(headers, `x-shopify-${name}`) ?? headerValue(headers, `shopify-${name}`);
}

function signShopify(secret: string, rawBody: Buffer): string {
  return createHmac('sha256', secret).update(rawBody).digest('base64');
}

/**
 * Shopify: `X-Shopify-Hmac-Sha256: <base64 HMAC-SHA256 of the raw body>`, keyed with the app's
 * client secret. Neither a timestamp nor the event id is signed: the body-hash replay guard stops
 * a captured delivery from being stored again under a fresh id.
 */
export const shopifyScheme: SignatureScheme = {
  name: 'shopify',
  signatureHeaders: ['x-shopify-hmac-sha256', 'shopify-hmac-sha256'],
  idSigned: false,
  // Shopify retries a failed delivery 8 times over 4 hours. Its topics share one body shape
  // (orders/create, orders/paid and orders/updated of one order can be byte-identical), so the
  // topic is part of the guard's key.
  defaultReplayGuard: { windowSeconds: 4 * 3600, byType: true },
  verify(input: VerifyInput): VerifyResult {
    const header = shopifyHeader(input.headers, 'hmac-sha256');
    if (header === undefined) return { ok: false, reason: 'missing_signature' };
    // Strict base64 of 32 bytes: Buffer.from would silently skip stray characters.
    if (!/^[A-Za-z0-9+/]{43}=$/.test(header)) return { ok: false, reason: 'invalid_signature' };
    const given = Buffer.from(header, 'base64');
    const match = input.secrets.find((secret) =>
      bytesEqual(given, Buffer.from(signShopify(secret.value, input.rawBody), 'base64')),
    );
    return match === undefined ? { ok: false, reason: 'invalid_signature' } : { ok: true, secretIndex: match.index };
  },
  sign({ secret, rawBody, eventId, eventType }) {
    return {
      headers: {
        'x-shopify-event-id': eventId,
        'x-shopify-webhook-id': eventId,
        ...(eventType !== undefined && { 'x-shopify-topic': eventType }),
        'x-shopify-hmac-sha256': signShopify(secret, rawBody),
      },
    };
  },
  eventId: ({ headers }) => shopifyHeader(headers, 'event-id') ?? shopifyHeader(headers, 'webhook-id'),
  eventType: ({ headers }) => shopifyHeader(headers, 'topic'),
};

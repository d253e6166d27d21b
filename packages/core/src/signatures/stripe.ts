import { createHmac } from 'node:crypto';
import { headerValue } from '../headers.js';
import { readIdentifier } from '../json-path.js';
import { bytesEqual, notTooOld, parseUnixSeconds } from './compare.js';
import type { SignatureScheme, VerifyInput, VerifyResult } from './scheme.js';

const HEADER = 'stripe-signature';

/**
 * Stripe's HMAC: keyed with the whole `whsec_…` string as UTF-8 (it is not base64-decoded,
 * unlike a Standard Webhooks secret), over `"<t>.<raw body>"`, hex-encoded.
 */
export function signStripe(secret: string, timestamp: number, rawBody: Buffer): string {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest('hex');
}

/** `t=…,v1=…,v1=…,v0=…` → the timestamp and every `v1` signature; `v0` and unknown schemes are ignored. */
function parseHeader(header: string): { timestamp: number | undefined; v1: Buffer[] } {
  let timestamp: number | undefined;
  const v1: Buffer[] = [];
  for (const item of header.split(',')) {
    const separator = item.indexOf('=');
    const key = item.slice(0, separator).trim();
    const value = item.slice(separator + 1).trim();
    if (key === 't') timestamp = parseUnixSeconds(value);
    if (key === 'v1' && /^[0-9a-f]{64}$/i.test(value)) v1.push(Buffer.from(value, 'hex'));
  }
  return { timestamp, v1 };
}

/** Stripe: `Stripe-Signature: t=<unix>,v1=<hex>[,v1=<hex>]`; event id and type in the body. */
export const stripeScheme: SignatureScheme = {
  name: 'stripe',
  signatureHeaders: [HEADER],
  defaultToleranceSeconds: 300,
  idSigned: true,
  verify(input: VerifyInput): VerifyResult {
    const header = headerValue(input.headers, HEADER);
    if (header === undefined) return { ok: false, reason: 'missing_signature' };
    const { timestamp, v1 } = parseHeader(header);
    if (timestamp === undefined || v1.length === 0) return { ok: false, reason: 'invalid_signature' };
    const match = input.secrets.find((secret) => {
      const expected = Buffer.from(signStripe(secret.value, timestamp, input.rawBody), 'hex');
      return v1.some((signature) => bytesEqual(signature, expected));
    });
    if (match === undefined) return { ok: false, reason: 'invalid_signature' };
    // Like Stripe's SDK, only a timestamp too far in the past is refused.
    if (!notTooOld(timestamp, input.nowSeconds, input.toleranceSeconds)) {
      return { ok: false, reason: 'timestamp_out_of_tolerance' };
    }
    return { ok: true, secretIndex: match.index };
  },
  sign({ secret, rawBody, nowSeconds }) {
    return { headers: { [HEADER]: `t=${nowSeconds},v1=${signStripe(secret, nowSeconds, rawBody)}` } };
  },
  eventId: ({ body }) => readIdentifier(body, 'id'),
  eventType: ({ body }) => readIdentifier(body, 'type'),
  defaultEntity: { id: 'data.object.id', status: 'data.object.status' },
  // The PaymentIntent (and SetupIntent) lifecycle: the objects whose status users follow most.
  defaultStatuses: {
    ranks: {
      requires_payment_method: 1,
      requires_confirmation: 2,
      requires_action: 3,
      processing: 4,
      requires_capture: 5,
      succeeded: 6,
      canceled: 6,
    },
    terminal: ['succeeded', 'canceled'],
    // A failed payment sends the intent back to requires_payment_method: a real step back,
    // not a late event, so it may move the status down from any status still in progress.
    reopen: [
      {
        eventTypes: ['payment_intent.payment_failed', 'setup_intent.setup_failed'],
        from: ['requires_confirmation', 'requires_action', 'processing'],
      },
    ],
  },
};

import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { stripeScheme } from './stripe.js';

const NOW = 1_760_000_000;
const SECRET = 'whsec_hooklineStripeTestSecret0001';
const OTHER = 'whsec_hooklineStripeTestSecret0002';
// Stripe sends its events pretty-printed: the bytes, not the JSON value, are what is signed.
const body = JSON.stringify(
  { id: 'evt_1', object: 'event', type: 'payment_intent.succeeded', data: { object: { id: 'pi_1', status: 'succeeded' } } },
  null,
  2,
);
const stripe = new Stripe('sk_test_hookline');

// Headers come from Stripe's own SDK, so these tests prove compatibility with Stripe itself.
function header(secret: string, timestamp: number, payload = body): string {
  return stripe.webhooks.generateTestHeaderString({ payload, secret, timestamp });
}

function verify(signature: string | undefined, secrets = [SECRET], payload = body) {
  return stripeScheme.verify({
    headers: { 'stripe-signature': signature },
    rawBody: Buffer.from(payload),
    secrets: secrets.map((value, index) => ({ index, value })),
    nowSeconds: NOW,
    toleranceSeconds: 300,
  });
}

const v1 = (signature: string) => signature.split(',').find((part) => part.startsWith('v1=')) as string;

describe('stripe scheme', () => {
  it("accepts a header made by Stripe's SDK", () => {
    expect(verify(header(SECRET, NOW))).toEqual({ ok: true, secretIndex: 0 });
  });

  it('accepts when any of several v1 signatures matches, ignoring v0', () => {
    const signature = `t=${NOW},v1=${'0'.repeat(64)},${v1(header(SECRET, NOW))},v0=${'1'.repeat(64)}`;
    expect(verify(signature).ok).toBe(true);
  });

  it('accepts when only the second configured secret matches, and says so', () => {
    expect(verify(header(OTHER, NOW), [SECRET, OTHER])).toEqual({ ok: true, secretIndex: 1 });
  });

  it('rejects a tampered body', () => {
    expect(verify(header(SECRET, NOW), [SECRET], body.replace('pi_1', 'pi_2'))).toEqual({
      ok: false,
      reason: 'invalid_signature',
    });
  });

  it('rejects the body re-serialised with other whitespace', () => {
    expect(verify(header(SECRET, NOW), [SECRET], JSON.stringify(JSON.parse(body))).ok).toBe(false);
  });

  it('rejects a wrong secret', () => {
    expect(verify(header(OTHER, NOW))).toEqual({ ok: false, reason: 'invalid_signature' });
  });

  it('keys the HMAC with the whole whsec_ string, not its base64-decoded bytes', () => {
    const decodedKey = Buffer.from(SECRET.slice('whsec_'.length), 'base64').toString('latin1');
    expect(verify(header(decodedKey, NOW)).ok).toBe(false);
  });

  it('rejects a timestamp older than the tolerance, and accepts one exactly at it', () => {
    expect(verify(header(SECRET, NOW - 301))).toEqual({ ok: false, reason: 'timestamp_out_of_tolerance' });
    expect(verify(header(SECRET, NOW - 300)).ok).toBe(true);
  });

  it("accepts a timestamp ahead of our clock, as Stripe's SDK does", () => {
    const ahead = header(SECRET, NOW + 3600);
    expect(() => stripe.webhooks.constructEvent(body, ahead, SECRET, 300, undefined, NOW * 1000)).not.toThrow();
    expect(verify(ahead).ok).toBe(true);
  });

  it('rejects a delivery without the header as missing_signature', () => {
    expect(verify(undefined)).toEqual({ ok: false, reason: 'missing_signature' });
  });

  it.each([
    ['no timestamp', () => v1(header(SECRET, NOW))],
    ['a non-numeric timestamp', () => `t=soon,${v1(header(SECRET, NOW))}`],
    ['a non-hex signature', () => `t=${NOW},v1=${'z'.repeat(64)}`],
    ['garbage', () => 'garbage'],
    ['only an unknown scheme', () => `t=${NOW},v2=${v1(header(SECRET, NOW)).slice(3)}`],
    ['only v0', () => `t=${NOW},v0=${v1(header(SECRET, NOW)).slice(3)}`],
  ])('rejects a malformed header (%s) as invalid_signature', (_name, make) => {
    expect(verify(make())).toEqual({ ok: false, reason: 'invalid_signature' });
  });

  it("signs so that Stripe's SDK verifies it", () => {
    const { headers } = stripeScheme.sign({ secret: SECRET, rawBody: Buffer.from(body), nowSeconds: NOW, eventId: 'ignored' });
    const event = stripe.webhooks.constructEvent(body, headers['stripe-signature'] as string, SECRET, 300, undefined, NOW * 1000);
    expect(event.id).toBe('evt_1');
  });

  it('reads the event id and type from the body', () => {
    const delivery = { headers: {}, body: JSON.parse(body) };
    expect(stripeScheme.eventId(delivery)).toBe('evt_1');
    expect(stripeScheme.eventType(delivery)).toBe('payment_intent.succeeded');
  });
});

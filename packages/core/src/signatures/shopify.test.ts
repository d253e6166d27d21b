import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { shopifyScheme } from './shopify.js';

const SECRET = 'hookline-shopify-client-secret';
const OTHER = 'hookline-shopify-other-secret';
const body = '{"id":820982911946154508,"email":"jon@example.com","financial_status":"paid"}';

// Shopify publishes no SDK that signs, only the recipe (base64 HMAC-SHA256 of the raw body),
// so signatures here are made with node:crypto directly, never with the code under test.
function hmac(secret: string, payload = body): string {
  return createHmac('sha256', secret).update(payload).digest('base64');
}

function verify(headers: Record<string, string | undefined>, secrets = [SECRET], payload = body) {
  return shopifyScheme.verify({
    headers,
    rawBody: Buffer.from(payload),
    secrets: secrets.map((value, index) => ({ index, value })),
    nowSeconds: 0,
    toleranceSeconds: 0,
  });
}

describe('shopify scheme', () => {
  it('accepts a valid X-Shopify-Hmac-Sha256', () => {
    expect(verify({ 'x-shopify-hmac-sha256': hmac(SECRET) })).toEqual({ ok: true, secretIndex: 0 });
  });

  it('accepts the newer header name without the x- prefix', () => {
    expect(verify({ 'shopify-hmac-sha256': hmac(SECRET) }).ok).toBe(true);
  });

  it('accepts when only the second configured secret matches, and says so', () => {
    expect(verify({ 'x-shopify-hmac-sha256': hmac(OTHER) }, [SECRET, OTHER])).toEqual({ ok: true, secretIndex: 1 });
  });

  it('rejects a tampered body', () => {
    expect(verify({ 'x-shopify-hmac-sha256': hmac(SECRET) }, [SECRET], body.replace('paid', 'refunded'))).toEqual({
      ok: false,
      reason: 'invalid_signature',
    });
  });

  it('rejects the body re-serialised with other whitespace', () => {
    expect(verify({ 'x-shopify-hmac-sha256': hmac(SECRET) }, [SECRET], body.replaceAll(',', ', ')).ok).toBe(false);
  });

  it('rejects a wrong secret', () => {
    expect(verify({ 'x-shopify-hmac-sha256': hmac(OTHER) })).toEqual({ ok: false, reason: 'invalid_signature' });
  });

  it('rejects a delivery without the header as missing_signature', () => {
    expect(verify({})).toEqual({ ok: false, reason: 'missing_signature' });
  });

  it.each([
    ['hex instead of base64', createHmac('sha256', SECRET).update(body).digest('hex')],
    ['a truncated digest', hmac(SECRET).slice(0, 20)],
    ['a prefixed digest', `sha256=${hmac(SECRET)}`],
    ['stray characters', `${hmac(SECRET).slice(0, 40)}!!!=`],
  ])('rejects a malformed header (%s) as invalid_signature', (_name, value) => {
    expect(verify({ 'x-shopify-hmac-sha256': value })).toEqual({ ok: false, reason: 'invalid_signature' });
  });

  it('signs what it verifies, with the recipe above', () => {
    const { headers } = shopifyScheme.sign({ secret: SECRET, rawBody: Buffer.from(body), nowSeconds: 0, eventId: 'e-1' });
    expect(headers['x-shopify-hmac-sha256']).toBe(hmac(SECRET));
  });

  it('takes the event id from X-Shopify-Event-Id, falling back to X-Shopify-Webhook-Id, and the type from the topic', () => {
    const delivery = (headers: Record<string, string>) => ({ headers, body: JSON.parse(body) });
    expect(shopifyScheme.eventId(delivery({ 'x-shopify-event-id': 'ev-1', 'x-shopify-webhook-id': 'wh-1' }))).toBe('ev-1');
    expect(shopifyScheme.eventId(delivery({ 'x-shopify-webhook-id': 'wh-1' }))).toBe('wh-1');
    expect(shopifyScheme.eventId(delivery({ 'shopify-event-id': 'ev-2' }))).toBe('ev-2');
    expect(shopifyScheme.eventType(delivery({ 'x-shopify-topic': 'orders/create' }))).toBe('orders/create');
    expect(shopifyScheme.eventType(delivery({ 'shopify-topic': 'orders/paid' }))).toBe('orders/paid');
  });
});

import { Webhook } from 'svix';
import { describe, expect, it } from 'vitest';
import { svixScheme } from './svix.js';

const NOW = 1_760_000_000;
const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const OTHER = 'whsec_dGhpcyBpcyBhbm90aGVyIHNlY3JldCBrZXk=';
const body = '{"type":"invoice.paid","data":{"id":"inv_1"}}';

// Signatures come from Svix's own library.
function headersFor(secret: string, timestamp: number, id = 'msg_2Lh9KRb0pzN4LePd3XiA4xdxcam', payload = body) {
  return {
    'svix-id': id,
    'svix-timestamp': String(timestamp),
    'svix-signature': new Webhook(secret).sign(id, new Date(timestamp * 1000), payload),
  };
}

function verify(headers: Record<string, string | undefined>, secrets = [SECRET], payload = body) {
  return svixScheme.verify({
    headers,
    rawBody: Buffer.from(payload),
    secrets: secrets.map((value, index) => ({ index, value })),
    nowSeconds: NOW,
    toleranceSeconds: 300,
  });
}

describe('svix scheme', () => {
  it("accepts a delivery signed by Svix's library", () => {
    expect(verify(headersFor(SECRET, NOW))).toEqual({ ok: true, secretIndex: 0 });
  });

  it('accepts when only the second configured secret matches, and says so', () => {
    expect(verify(headersFor(OTHER, NOW), [SECRET, OTHER])).toEqual({ ok: true, secretIndex: 1 });
  });

  it('rejects a tampered body', () => {
    expect(verify(headersFor(SECRET, NOW), [SECRET], body.replace('inv_1', 'inv_2'))).toEqual({
      ok: false,
      reason: 'invalid_signature',
    });
  });

  it('rejects the body re-serialised with other whitespace', () => {
    expect(verify(headersFor(SECRET, NOW), [SECRET], JSON.stringify(JSON.parse(body), null, 2)).ok).toBe(false);
  });

  it('rejects a wrong secret', () => {
    expect(verify(headersFor(OTHER, NOW))).toEqual({ ok: false, reason: 'invalid_signature' });
  });

  it.each([
    ['old', NOW - 301],
    ['future', NOW + 301],
  ])('rejects a validly signed %s timestamp outside tolerance, as Svix does', (_name, timestamp) => {
    expect(verify(headersFor(SECRET, timestamp))).toEqual({ ok: false, reason: 'timestamp_out_of_tolerance' });
  });

  it.each(['svix-id', 'svix-timestamp', 'svix-signature'])('rejects a delivery without %s as missing_signature', (name) => {
    const headers: Record<string, string | undefined> = headersFor(SECRET, NOW);
    delete headers[name];
    expect(verify(headers)).toEqual({ ok: false, reason: 'missing_signature' });
  });

  it.each([
    ['an unknown version only', { 'svix-signature': 'v2,abc' }],
    ['no comma', { 'svix-signature': 'v1abc' }],
    ['a non-numeric timestamp', { 'svix-timestamp': 'yesterday' }],
  ])('rejects a malformed header (%s) as invalid_signature', (_name, override) => {
    expect(verify({ ...headersFor(SECRET, NOW), ...override })).toEqual({ ok: false, reason: 'invalid_signature' });
  });

  it("signs so that Svix's library verifies it", () => {
    const { headers } = svixScheme.sign({ secret: SECRET, rawBody: Buffer.from(body), nowSeconds: NOW, eventId: 'msg_1' });
    const realNow = Math.floor(Date.now() / 1000);
    const fresh = svixScheme.sign({ secret: SECRET, rawBody: Buffer.from(body), nowSeconds: realNow, eventId: 'msg_1' });
    expect(headers['svix-id']).toBe('msg_1');
    // Svix's verify reads the real clock, so this one is signed now.
    expect(new Webhook(SECRET).verify(body, { ...fresh.headers })).toEqual(JSON.parse(body));
  });

  it('takes the event id from svix-id', () => {
    expect(svixScheme.eventId({ headers: headersFor(SECRET, NOW), body: {} })).toBe('msg_2Lh9KRb0pzN4LePd3XiA4xdxcam');
  });
});

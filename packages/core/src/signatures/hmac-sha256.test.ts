import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hmacSha256Scheme } from './hmac-sha256.js';

const NOW = 1_760_000_000;
const body = Buffer.from('{"id":"evt_1","type":"order.paid"}');

// Signed here with node:crypto directly, not with the code under test.
function headersFor(secret: string, timestamp: number, raw: Buffer = body, eventId = 'evt_1') {
  const hex = createHmac('sha256', secret)
    .update(Buffer.concat([Buffer.from(`${eventId}.${timestamp}.`), raw]))
    .digest('hex');
  return { 'x-event-id': eventId, 'x-timestamp': String(timestamp), 'x-signature': `sha256=${hex}` };
}

function verify(headers: Record<string, string | undefined>, secrets = ['s3cret'], rawBody = body) {
  return hmacSha256Scheme.verify({
    headers,
    rawBody,
    secrets: secrets.map((value, index) => ({ index, value })),
    nowSeconds: NOW,
    toleranceSeconds: 300,
  });
}

describe('hmac-sha256 scheme', () => {
  it('accepts a valid signature', () => {
    expect(verify(headersFor('s3cret', NOW))).toEqual({ ok: true, secretIndex: 0 });
  });

  it('rejects a tampered body', () => {
    expect(verify(headersFor('s3cret', NOW), ['s3cret'], Buffer.from('{"id":"evt_2"}'))).toEqual({
      ok: false,
      reason: 'invalid_signature',
    });
  });

  it('rejects a captured delivery re-sent under another event id', () => {
    expect(verify({ ...headersFor('s3cret', NOW), 'x-event-id': 'evt_fresh' })).toEqual({
      ok: false,
      reason: 'invalid_signature',
    });
  });

  it('rejects a signature over "<timestamp>.<body>" alone (the form before the id was signed)', () => {
    const hex = createHmac('sha256', 's3cret').update(`${NOW}.`).update(body).digest('hex');
    expect(verify({ ...headersFor('s3cret', NOW), 'x-signature': `sha256=${hex}` })).toEqual({
      ok: false,
      reason: 'invalid_signature',
    });
  });

  it('rejects a wrong secret', () => {
    expect(verify(headersFor('other', NOW))).toEqual({ ok: false, reason: 'invalid_signature' });
  });

  it('accepts when only the second secret matches', () => {
    expect(verify(headersFor('new-secret', NOW), ['old-secret', 'new-secret'])).toEqual({ ok: true, secretIndex: 1 });
  });

  it.each(['x-signature', 'x-timestamp', 'x-event-id'])('rejects a delivery without %s as missing_signature', (name) => {
    const headers: Record<string, string | undefined> = headersFor('s3cret', NOW);
    delete headers[name];
    expect(verify(headers)).toEqual({ ok: false, reason: 'missing_signature' });
  });

  it.each([
    ['no prefix', { 'x-signature': 'abc' }],
    ['non-hex digest', { 'x-signature': `sha256=${'z'.repeat(64)}` }],
    ['short digest', { 'x-signature': 'sha256=abcd' }],
    ['non-numeric timestamp', { 'x-timestamp': '12abc' }],
  ])('rejects a malformed header (%s)', (_name, override) => {
    expect(verify({ ...headersFor('s3cret', NOW), ...override })).toEqual({ ok: false, reason: 'invalid_signature' });
  });

  it.each([
    ['old', NOW - 301],
    ['future', NOW + 301],
  ])('rejects a validly signed %s timestamp outside tolerance', (_name, timestamp) => {
    expect(verify(headersFor('s3cret', timestamp))).toEqual({ ok: false, reason: 'timestamp_out_of_tolerance' });
  });

  it('accepts a timestamp exactly at the tolerance edge', () => {
    expect(verify(headersFor('s3cret', NOW - 300)).ok).toBe(true);
  });
});

import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { isStandardWebhooksSecret, signStandardWebhooks, standardWebhooksScheme } from './standard-webhooks.js';

const NOW = 1_760_000_000;
const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const OTHER = 'whsec_dGhpcyBpcyBhbm90aGVyIHNlY3JldCBrZXk=';
const body = '{"type":"invoice.paid","data":{"id":"inv_1"}}';

// Signatures come from the standardwebhooks package, so this proves compatibility with real senders.
function headersFor(secret: string, timestamp: number, id = 'msg_1', payload = body) {
  return {
    'webhook-id': id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': new Webhook(secret).sign(id, new Date(timestamp * 1000), payload),
  };
}

function verify(headers: Record<string, string | undefined>, secrets = [SECRET], payload = body) {
  return standardWebhooksScheme.verify({
    headers,
    rawBody: Buffer.from(payload),
    secrets: secrets.map((value, index) => ({ index, value })),
    nowSeconds: NOW,
    toleranceSeconds: 300,
  });
}

describe('standard-webhooks scheme', () => {
  it('accepts a signature made by the standardwebhooks package', () => {
    expect(verify(headersFor(SECRET, NOW))).toEqual({ ok: true, secretIndex: 0 });
  });

  it('accepts a secret given without the whsec_ prefix', () => {
    expect(verify(headersFor(SECRET, NOW), [SECRET.slice('whsec_'.length)]).ok).toBe(true);
  });

  it('rejects a tampered body', () => {
    expect(verify(headersFor(SECRET, NOW), [SECRET], body.replace('inv_1', 'inv_2'))).toEqual({
      ok: false,
      reason: 'invalid_signature',
    });
  });

  it('rejects a body re-serialised with other whitespace', () => {
    const reserialised = JSON.stringify(JSON.parse(body), null, 2);
    expect(verify(headersFor(SECRET, NOW), [SECRET], reserialised).ok).toBe(false);
  });

  it('rejects a wrong secret', () => {
    expect(verify(headersFor(OTHER, NOW))).toEqual({ ok: false, reason: 'invalid_signature' });
  });

  it('accepts when only the second secret matches', () => {
    expect(verify(headersFor(OTHER, NOW), [SECRET, OTHER])).toEqual({ ok: true, secretIndex: 1 });
  });

  it('accepts when one of several space-separated signatures matches', () => {
    const valid = headersFor(SECRET, NOW);
    const other = headersFor(OTHER, NOW);
    const header = `v1,${Buffer.alloc(32).toString('base64')} ${other['webhook-signature']} ${valid['webhook-signature']}`;
    expect(verify({ ...valid, 'webhook-signature': header }).ok).toBe(true);
  });

  it('rejects an id other than the one signed', () => {
    expect(verify({ ...headersFor(SECRET, NOW), 'webhook-id': 'msg_2' }).ok).toBe(false);
  });

  it.each(['webhook-id', 'webhook-timestamp', 'webhook-signature'])('rejects a delivery without %s', (name) => {
    const headers: Record<string, string | undefined> = headersFor(SECRET, NOW);
    delete headers[name];
    expect(verify(headers)).toEqual({ ok: false, reason: 'missing_signature' });
  });

  it.each([
    ['unknown version only', { 'webhook-signature': 'v2,abc' }],
    ['no comma', { 'webhook-signature': 'v1abc' }],
    ['non-numeric timestamp', { 'webhook-timestamp': 'yesterday' }],
  ])('rejects a malformed header (%s)', (_name, override) => {
    expect(verify({ ...headersFor(SECRET, NOW), ...override })).toEqual({ ok: false, reason: 'invalid_signature' });
  });

  it.each([
    ['old', NOW - 301],
    ['future', NOW + 301],
  ])('rejects a validly signed %s timestamp outside tolerance', (_name, timestamp) => {
    expect(verify(headersFor(SECRET, timestamp))).toEqual({ ok: false, reason: 'timestamp_out_of_tolerance' });
  });
});

describe('signStandardWebhooks', () => {
  it('signs so that the standardwebhooks package verifies it', () => {
    const timestamp = Math.floor(Date.now() / 1000);
    const headers = {
      'webhook-id': 'msg_out',
      'webhook-timestamp': String(timestamp),
      'webhook-signature': signStandardWebhooks(SECRET, 'msg_out', timestamp, body),
    };
    expect(new Webhook(SECRET).verify(body, headers)).toEqual(JSON.parse(body));
  });

  it('tells Standard Webhooks secrets from other strings', () => {
    expect(isStandardWebhooksSecret(SECRET)).toBe(true);
    expect(isStandardWebhooksSecret(OTHER.slice('whsec_'.length))).toBe(true);
    expect(isStandardWebhooksSecret('whsec_')).toBe(false);
    expect(isStandardWebhooksSecret('whsec_YWJjZGVmZ2hpamtsbW5v')).toBe(false);
    expect(isStandardWebhooksSecret('whsec_YWJjZGVmZ2hpamtsbW5vcA==')).toBe(true);
    expect(isStandardWebhooksSecret('not base64!')).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { createApifyScheme } from './apify.js';

const TOKEN = 'hookline-apify-token';
const OTHER = 'hookline-apify-other';
const body =
  '{"userId":"u1","createdAt":"2025-01-01T00:00:00.000Z","eventType":"ACTOR.RUN.SUCCEEDED","eventData":{"actorId":"a1","actorRunId":"r1"},"resource":{"id":"r1","status":"SUCCEEDED"}}';
const scheme = createApifyScheme();

// Apify does not sign: there is no SDK signature to compare with, only the shared token.
function verify(headers: Record<string, string | undefined>, query: Record<string, unknown> = {}, secrets = [TOKEN]) {
  return scheme.verify({
    headers,
    query,
    rawBody: Buffer.from(body),
    secrets: secrets.map((value, index) => ({ index, value })),
    nowSeconds: 0,
    toleranceSeconds: 0,
  });
}

describe('apify scheme', () => {
  it('accepts the token in the default header', () => {
    expect(verify({ 'x-hookline-token': TOKEN })).toEqual({ ok: true, secretIndex: 0 });
  });

  it('accepts the token in ?token= when no header carries it', () => {
    expect(verify({}, { token: TOKEN })).toEqual({ ok: true, secretIndex: 0 });
  });

  it('accepts when only the second configured token matches, and says so', () => {
    expect(verify({ 'x-hookline-token': OTHER }, {}, [TOKEN, OTHER])).toEqual({ ok: true, secretIndex: 1 });
  });

  it('reads the header the source names, and a Bearer token in Authorization', () => {
    const custom = createApifyScheme('X-Webhook-Token');
    const input = { rawBody: Buffer.from(body), secrets: [{ index: 0, value: TOKEN }], nowSeconds: 0, toleranceSeconds: 0 };
    expect(custom.verify({ ...input, headers: { 'x-webhook-token': TOKEN } }).ok).toBe(true);
    expect(custom.verify({ ...input, headers: { 'x-hookline-token': TOKEN } }).ok).toBe(false);
    const bearer = createApifyScheme('authorization');
    expect(bearer.verify({ ...input, headers: { authorization: `Bearer ${TOKEN}` } }).ok).toBe(true);
  });

  it.each([
    ['a wrong token', { 'x-hookline-token': OTHER }, {}],
    ['a prefix of the token', { 'x-hookline-token': TOKEN.slice(0, -1) }, {}],
    ['the token with whitespace added', { 'x-hookline-token': ` ${TOKEN}` }, {}],
    ['a wrong query token', {}, { token: 'nope' }],
  ])('rejects %s as invalid_signature', (_name, headers, query) => {
    expect(verify(headers, query)).toEqual({ ok: false, reason: 'invalid_signature' });
  });

  it('rejects a request with no token anywhere, or a repeated ?token=, as missing_signature', () => {
    expect(verify({})).toEqual({ ok: false, reason: 'missing_signature' });
    expect(verify({}, { token: [TOKEN, TOKEN] })).toEqual({ ok: false, reason: 'missing_signature' });
  });

  it('signs with the token header and a dispatch id', () => {
    expect(scheme.sign({ secret: TOKEN, rawBody: Buffer.from(body), nowSeconds: 0, eventId: 'd1' }).headers).toEqual({
      'x-hookline-token': TOKEN,
      'x-apify-webhook-dispatch-id': 'd1',
    });
  });

  it('takes the dispatch id, else the event type and run id, and eventType as the type', () => {
    const parsed = JSON.parse(body);
    expect(scheme.eventId({ headers: { 'x-apify-webhook-dispatch-id': 'disp-1' }, body: parsed })).toBe('disp-1');
    expect(scheme.eventId({ headers: {}, body: parsed })).toBe('ACTOR.RUN.SUCCEEDED:r1');
    expect(scheme.eventId({ headers: {}, body: { resource: { id: 'r1' } } })).toBeUndefined();
    expect(scheme.eventType({ headers: {}, body: parsed })).toBe('ACTOR.RUN.SUCCEEDED');
  });
});

import { describe, expect, it } from 'vitest';
import { parseBody, payloadText } from './parse-body.js';

describe('payloadText', () => {
  it('is a JSON body as received, byte for byte', () => {
    const raw = '{ "b": 1, "a": 12345678901234567890 }';
    expect(payloadText({ headers: { 'content-type': 'application/json' }, rawBody: raw })).toBe(raw);
  });

  it("is a form's fields as JSON, the same text the ingester stores as the payload", () => {
    const headers = { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' };
    const raw = `payload=${encodeURIComponent('{"type":"block_actions","user":{"id":"U1"}}')}`;
    expect(JSON.parse(payloadText({ headers, rawBody: raw }))).toEqual({ type: 'block_actions', user: { id: 'U1' } });
    expect(payloadText({ headers, rawBody: raw })).toBe(parseBody(headers, Buffer.from(raw))?.payloadJson);
    expect(JSON.parse(payloadText({ headers, rawBody: 'a=1&a=2&b=3' }))).toEqual({ a: ['1', '2'], b: '3' });
  });
});

describe('payloadText of an event the edge prepared', () => {
  it('is the payloadJson the edge computed, without parsing the body again', () => {
    const headers = { 'content-type': 'application/x-www-form-urlencoded' };
    expect(payloadText({ headers, rawBody: 'a=1', payloadJson: '{"a":"computed at the edge"}' })).toBe(
      '{"a":"computed at the edge"}',
    );
  });
});

import { execFileSync } from 'node:child_process';
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

describe('parseBody on a form', () => {
  it('reads a 1 MiB form of distinct fields in one pass, keeping repeated fields as arrays', () => {
    // Run apart, with a deadline far above what one pass needs: reading each distinct name with
    // getAll rescanned the whole form, about a minute for this one, and cannot be interrupted
    // in-process.
    const module = new URL('./parse-body.ts', import.meta.url).href;
    const output = execFileSync(
      process.execPath,
      [
        '--import',
        'tsx',
        '--input-type=module',
        '-e',
        `const { parseBody } = await import(${JSON.stringify(module)});
         const fields = Array.from({ length: 120000 }, (_, index) => 'f' + index + '=' + (index % 10));
         const raw = fields.join('&') + '&f7=again';
         const body = parseBody({ 'content-type': 'application/x-www-form-urlencoded' }, Buffer.from(raw)).body;
         console.log(JSON.stringify({ bytes: raw.length, names: Object.keys(body).length, f7: body.f7, last: body.f119999 }));`,
      ],
      { timeout: 20_000, encoding: 'utf8' },
    );
    expect(JSON.parse(output)).toEqual({ bytes: expect.any(Number), names: 120_000, f7: ['7', 'again'], last: '9' });
    expect(JSON.parse(output).bytes).toBeGreaterThan(1024 * 1024);
  }, 30_000);
});

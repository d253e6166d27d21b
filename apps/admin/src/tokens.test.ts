import { describe, expect, it } from 'vitest';
import { createTokenMatcher, parseNamedTokens } from './tokens.js';

describe('parseNamedTokens', () => {
  it('reads name:token pairs, a token keeping any further colons', () => {
    expect(parseNamedTokens(' alice:aaaaaaaaaaaaaaaa1 , bob:b:bbbbbbbbbbbbbbbb,')).toEqual({
      ok: true,
      tokens: [
        { name: 'alice', token: 'aaaaaaaaaaaaaaaa1' },
        { name: 'bob', token: 'b:bbbbbbbbbbbbbbbb' },
      ],
    });
    expect(parseNamedTokens('')).toEqual({ ok: true, tokens: [] });
  });

  it('refuses a missing name, a short token and a name used twice or reserved', () => {
    expect(parseNamedTokens(':aaaaaaaaaaaaaaaa').ok).toBe(false);
    expect(parseNamedTokens('alice:short').ok).toBe(false);
    expect(parseNamedTokens('alice:aaaaaaaaaaaaaaaa,alice:bbbbbbbbbbbbbbbb').ok).toBe(false);
    expect(parseNamedTokens('admin:aaaaaaaaaaaaaaaa').ok).toBe(false);
  });
});

describe('createTokenMatcher', () => {
  it('names the holder of a known token and nobody for anything else', () => {
    const identify = createTokenMatcher([
      { name: 'admin', token: 'admin-token-0123456789' },
      { name: 'alice', token: 'alice-token-0123456789' },
    ]);
    expect(identify('alice-token-0123456789')).toBe('alice');
    expect(identify('admin-token-0123456789')).toBe('admin');
    expect(identify('alice-token-012345678')).toBeUndefined();
    expect(identify('')).toBeUndefined();
  });
});

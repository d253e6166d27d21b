import { describe, expect, it } from 'vitest';
import { judgeRateLimit, nextLink, quotaResetWaitMs } from './rate-limit.js';

const headers = (values: Record<string, string>) => (name: string) => values[name];
const now = 1_800_000_000_000;

describe('judgeRateLimit', () => {
  it('waits as long as Retry-After says on a 429', () => {
    expect(judgeRateLimit(429, headers({ 'retry-after': '7' }), now)).toEqual({ limited: true, waitMs: 7000 });
  });

  it('waits until x-ratelimit-reset when GitHub answers 403 with the quota spent', () => {
    const reset = String(now / 1000 + 42);
    expect(judgeRateLimit(403, headers({ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset }), now)).toEqual({
      limited: true,
      waitMs: 42_000,
    });
  });

  it('prefers Retry-After to the quota reset (GitHub secondary limits send both)', () => {
    const values = { 'retry-after': '3', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(now / 1000 + 60) };
    expect(judgeRateLimit(403, headers(values), now)).toEqual({ limited: true, waitMs: 3000 });
  });

  it('takes a bare 429 as a limit without a hint, and a bare 403 as no limit at all', () => {
    expect(judgeRateLimit(429, headers({}), now)).toEqual({ limited: true });
    expect(judgeRateLimit(403, headers({ 'x-ratelimit-remaining': '4999' }), now)).toEqual({ limited: false });
    expect(judgeRateLimit(500, headers({ 'retry-after': '1' }), now)).toEqual({ limited: false });
  });
});

describe('quotaResetWaitMs', () => {
  it('says nothing while quota remains', () => {
    expect(quotaResetWaitMs(headers({ 'x-ratelimit-remaining': '1', 'x-ratelimit-reset': '1' }), now)).toBeUndefined();
  });
});

describe('nextLink', () => {
  it("reads GitHub's next cursor among other relations", () => {
    const link =
      '<https://api.github.com/repositories/1/hooks/2/deliveries?per_page=100&cursor=v1_9>; rel="next", ' +
      '<https://api.github.com/repositories/1/hooks/2/deliveries?per_page=100>; rel="first"';
    expect(nextLink(link)).toBe('https://api.github.com/repositories/1/hooks/2/deliveries?per_page=100&cursor=v1_9');
  });

  it('is undefined on the last page', () => {
    expect(nextLink('<https://x/y?cursor=a>; rel="prev"')).toBeUndefined();
    expect(nextLink(null)).toBeUndefined();
  });
});

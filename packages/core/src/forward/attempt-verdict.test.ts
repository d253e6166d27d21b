import { describe, expect, it } from 'vitest';
import { forwardRetryDelayMs, judgeAttempt, parseRetryAfter } from './attempt-verdict.js';

const now = Date.parse('2026-01-01T00:00:00Z');

describe('judgeAttempt', () => {
  it.each([200, 201, 204, 299])('counts %i as delivered', (statusCode) => {
    expect(judgeAttempt({ kind: 'response', statusCode }, now)).toEqual({ kind: 'delivered' });
  });

  it.each([408, 425, 429, 500, 502, 503, 504, 599])('retries %i', (statusCode) => {
    expect(judgeAttempt({ kind: 'response', statusCode }, now).kind).toBe('retry');
  });

  it.each([301, 302, 400, 401, 403, 404, 410, 413, 422])('rejects %i at once', (statusCode) => {
    expect(judgeAttempt({ kind: 'response', statusCode }, now)).toEqual({ kind: 'rejected' });
  });

  it('retries when there was no response', () => {
    expect(judgeAttempt({ kind: 'error', error: 'timeout after 100 ms' }, now)).toEqual({ kind: 'retry' });
  });

  it('carries Retry-After on a retryable status', () => {
    expect(judgeAttempt({ kind: 'response', statusCode: 429, retryAfter: '2' }, now)).toEqual({
      kind: 'retry',
      retryAfterMs: 2000,
    });
  });
});

describe('parseRetryAfter', () => {
  it('reads delta-seconds and HTTP dates', () => {
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:30 GMT', now)).toBe(30_000);
  });

  it('treats a date in the past as now and ignores what it cannot read', () => {
    expect(parseRetryAfter('Wed, 31 Dec 2025 00:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter('-5', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });

  it('caps an absurd delay at one day', () => {
    expect(parseRetryAfter('99999999', now)).toBe(24 * 3600 * 1000);
  });
});

describe('forwardRetryDelayMs', () => {
  const policy = { baseMs: 1000, capMs: 60_000 };

  it('uses the backoff when the receiver asked for less', () => {
    expect(forwardRetryDelayMs(3, policy, 500, () => 1)).toBe(4000);
  });

  it('waits at least as long as Retry-After asks', () => {
    expect(forwardRetryDelayMs(1, policy, 2000, () => 0)).toBe(2000);
  });
});

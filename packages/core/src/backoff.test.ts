import { describe, expect, it } from 'vitest';
import { retryDelayMs } from './backoff.js';

const policy = { baseMs: 1000, capMs: 60_000 };

describe('retryDelayMs', () => {
  it('doubles with each attempt, jittered within the upper half', () => {
    expect(retryDelayMs(1, policy, () => 0)).toBe(500);
    expect(retryDelayMs(1, policy, () => 1)).toBe(1000);
    expect(retryDelayMs(3, policy, () => 1)).toBe(4000);
  });

  it('never exceeds the cap, however many attempts', () => {
    expect(retryDelayMs(50, policy, () => 1)).toBe(60_000);
    expect(retryDelayMs(50, policy, () => 0)).toBe(30_000);
  });
});

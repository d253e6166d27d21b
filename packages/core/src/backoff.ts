export interface BackoffPolicy {
  readonly baseMs: number;
  readonly capMs: number;
}

/**
 * Delay before retry number `attemptsMade`: exponential, capped, with jitter over the
 * upper half so that a burst of failures does not come back as a burst of retries.
 */
export function retryDelayMs(attemptsMade: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  const exponent = Math.max(0, attemptsMade - 1);
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** Math.min(exponent, 30));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

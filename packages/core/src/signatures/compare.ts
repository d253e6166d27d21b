import { createHash, timingSafeEqual } from 'node:crypto';

/** Constant-time equality of two byte strings; unequal lengths are unequal without a timing leak on content. */
export function bytesEqual(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Constant-time equality of two tokens of any length: both are hashed first, so neither the
 * content nor the length of the expected token shows in the timing.
 */
export function tokensEqual(given: string, expected: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/** True when `timestamp` lies within `toleranceSeconds` of `now`, in either direction. */
export function withinTolerance(timestamp: number, nowSeconds: number, toleranceSeconds: number): boolean {
  return Math.abs(nowSeconds - timestamp) <= toleranceSeconds;
}

/**
 * True unless `timestamp` is more than `toleranceSeconds` in the past. Stripe's and Slack's own
 * SDKs check only this direction, so a sender whose clock runs ahead is not refused.
 */
export function notTooOld(timestamp: number, nowSeconds: number, toleranceSeconds: number): boolean {
  return nowSeconds - timestamp <= toleranceSeconds;
}

/** Parses a unix-seconds header; anything but plain digits is rejected. */
export function parseUnixSeconds(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d{1,12}$/.test(value)) return undefined;
  return Number(value);
}

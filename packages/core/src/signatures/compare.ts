import { timingSafeEqual } from 'node:crypto';

/** Constant-time equality of two byte strings; unequal lengths are unequal without a timing leak on content. */
export function bytesEqual(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** True when `timestamp` lies within `toleranceSeconds` of `now`, in either direction. */
export function withinTolerance(timestamp: number, nowSeconds: number, toleranceSeconds: number): boolean {
  return Math.abs(nowSeconds - timestamp) <= toleranceSeconds;
}

/** Parses a unix-seconds header; anything but plain digits is rejected. */
export function parseUnixSeconds(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d{1,12}$/.test(value)) return undefined;
  return Number(value);
}

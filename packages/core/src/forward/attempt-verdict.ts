import { type BackoffPolicy, retryDelayMs } from '../backoff.js';

/** What one send produced: a response status, or no response at all. */
export type SendResult =
  | { readonly kind: 'response'; readonly statusCode: number; readonly retryAfter?: string }
  | { readonly kind: 'error'; readonly error: string };

export type AttemptVerdict =
  | { readonly kind: 'delivered' }
  /** Worth another try; `retryAfterMs` is the receiver's own request, when it made one. */
  | { readonly kind: 'retry'; readonly retryAfterMs?: number }
  /** The receiver refused this message; sending it again cannot help. */
  | { readonly kind: 'rejected' };

/** Statuses that say "not now" rather than "not this": timeout, too early, too many requests. */
const RETRYABLE_STATUSES = new Set([408, 425, 429]);

/** Longest `Retry-After` honoured: a receiver cannot park a delivery for longer than a day. */
const MAX_RETRY_AFTER_MS = 24 * 3600 * 1000;

/** `Retry-After` as a delay in ms: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  // An HTTP date always names its weekday or month in letters; Date.parse alone reads "-5" as a year.
  const ms = /^\d+$/.test(trimmed)
    ? Number(trimmed) * 1000
    : /[a-z]{3}/i.test(trimmed)
      ? Date.parse(trimmed) - nowMs
      : Number.NaN;
  if (Number.isNaN(ms)) return undefined;
  return Math.min(Math.max(0, ms), MAX_RETRY_AFTER_MS);
}

/**
 * 2xx is delivered; 408, 425, 429, 5xx and no response (timeout, refused, reset) are
 * retried; anything else — other 4xx, and 3xx, since a signed delivery is not re-sent to
 * wherever a redirect points — is rejected at once.
 */
export function judgeAttempt(result: SendResult, nowMs: number): AttemptVerdict {
  if (result.kind === 'error') return { kind: 'retry' };
  const { statusCode } = result;
  if (statusCode >= 200 && statusCode < 300) return { kind: 'delivered' };
  if (statusCode >= 500 || RETRYABLE_STATUSES.has(statusCode)) {
    const retryAfterMs = parseRetryAfter(result.retryAfter, nowMs);
    return retryAfterMs === undefined ? { kind: 'retry' } : { kind: 'retry', retryAfterMs };
  }
  return { kind: 'rejected' };
}

/**
 * Delay before the next send: the usual exponential backoff with jitter, but never sooner
 * than the receiver asked for with `Retry-After`.
 */
export function forwardRetryDelayMs(
  attemptsMade: number,
  policy: BackoffPolicy,
  retryAfterMs: number | undefined,
  random?: () => number,
): number {
  return Math.max(retryDelayMs(attemptsMade, policy, random), retryAfterMs ?? 0);
}

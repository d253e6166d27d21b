import { parseRetryAfter } from '../forward/attempt-verdict.js';

/** Reads one response header by its lower-case name. */
export type HeaderReader = (name: string) => string | null | undefined;

export type RateLimitVerdict =
  | { readonly limited: false }
  /** `waitMs` is what the provider asked for; absent when it said nothing (back off on our own). */
  | { readonly limited: true; readonly waitMs?: number };

/**
 * The wait until `x-ratelimit-reset` (epoch seconds) when `x-ratelimit-remaining` says the quota
 * is spent (GitHub's primary rate limit; a 2xx may carry it too, for the next request).
 */
export function quotaResetWaitMs(header: HeaderReader, nowMs: number): number | undefined {
  if (header('x-ratelimit-remaining')?.trim() !== '0') return undefined;
  const reset = Number(header('x-ratelimit-reset'));
  if (!Number.isFinite(reset) || reset <= 0) return undefined;
  return Math.max(0, reset * 1000 - nowMs);
}

/**
 * Whether a response is the provider telling us to slow down, and for how long. A 429 always
 * is; a 403 is only when it carries `Retry-After` or a spent `x-ratelimit-remaining` (GitHub
 * answers both rate limits with 403 or 429) — any other 403 is a credential without access.
 * `Retry-After` wins over the quota reset, as GitHub's documentation orders them.
 */
export function judgeRateLimit(status: number, header: HeaderReader, nowMs: number): RateLimitVerdict {
  if (status !== 429 && status !== 403) return { limited: false };
  const retryAfter = parseRetryAfter(header('retry-after') ?? undefined, nowMs);
  if (retryAfter !== undefined) return { limited: true, waitMs: retryAfter };
  const reset = quotaResetWaitMs(header, nowMs);
  if (reset !== undefined) return { limited: true, waitMs: reset };
  return status === 429 ? { limited: true } : { limited: false };
}

/** `<url>; rel="next"` from an RFC 8288 `Link` header (GitHub's cursor pagination). */
export function nextLink(link: string | null | undefined): string | undefined {
  if (link === null || link === undefined) return undefined;
  for (const part of link.split(',')) {
    const match = /^\s*<([^>]*)>\s*;(.*)$/.exec(part);
    if (match === null) continue;
    const rels = /\brel\s*=\s*"?([^";]*)"?/i.exec(match[2] ?? '')?.[1]?.split(/\s+/) ?? [];
    if (rels.includes('next')) return match[1];
  }
  return undefined;
}

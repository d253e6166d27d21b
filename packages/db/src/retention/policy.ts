import type { RetentionHorizons, RetentionSettings } from '@hookline/core';

/** What a retention pass applies (core's resolved settings): defaults, each source's horizons, the audit trail's. */
export type RetentionPolicy = RetentionSettings;
export type { RetentionHorizons };

const DAY_MS = 24 * 60 * 60 * 1000;

/** Midnight UTC at the start of `now`'s day. */
export function startOfUtcDay(now: Date): Date {
  return new Date(Math.floor(now.getTime() / DAY_MS) * DAY_MS);
}

export function addDays(date: Date, days: number): Date {
  return new Date(date.getTime() + days * DAY_MS);
}

/** `2026-11-29`: how Postgres reads a date. */
export function isoDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}

export function horizonsOf(policy: RetentionPolicy, source: string): RetentionHorizons {
  return policy.sources.get(source) ?? policy.defaults;
}

/**
 * Events received before this have no body any more. A body goes at the first midnight (UTC)
 * after its payload horizon, when the partition of that day is dropped: the horizon is rounded
 * up to a whole day so that bodies leave by partition, never row by row.
 */
export function payloadCutoff(now: Date, horizons: RetentionHorizons): Date {
  return addDays(startOfUtcDay(now), -horizons.payloadDays);
}

/** Events received before this are removed entirely (rows go one by one, so to the millisecond). */
export function eventCutoff(now: Date, horizons: RetentionHorizons): Date {
  return addDays(now, -horizons.eventDays);
}

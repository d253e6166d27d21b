import { MIN_EVENT_DAYS } from './schema.js';
import type { SourcesConfig } from './sources-config.js';

/** How long events keep their body and how long they are kept at all, in days. */
export interface RetentionHorizons {
  readonly payloadDays: number;
  readonly eventDays: number;
}

export interface RetentionSettings {
  readonly defaults: RetentionHorizons;
  readonly sources: ReadonlyMap<string, RetentionHorizons>;
  /** Days the audit trail (operator actions) is kept. */
  readonly auditDays: number;
}

export type ResolveRetentionResult = { ok: true; settings: RetentionSettings } | { ok: false; problems: string[] };

/**
 * Each source's horizons: its own, else the defaults (from the environment). A source that
 * sets only one of them can end up with an event horizon shorter than its payload horizon
 * once the default fills the other: refused here, naming the field.
 */
export function resolveRetention(config: SourcesConfig, defaults: RetentionHorizons, auditDays: number): ResolveRetentionResult {
  const problems: string[] = [];
  if (defaults.eventDays < MIN_EVENT_DAYS) problems.push(`default eventDays: must be at least ${MIN_EVENT_DAYS}`);
  if (defaults.eventDays < defaults.payloadDays) {
    problems.push(`default eventDays: must be at least the default payloadDays (${defaults.payloadDays})`);
  }
  const sources = new Map<string, RetentionHorizons>();
  [...config.sources.values()].forEach((source, index) => {
    const horizons = {
      payloadDays: source.retention?.payloadDays ?? defaults.payloadDays,
      eventDays: source.retention?.eventDays ?? defaults.eventDays,
    };
    if (horizons.eventDays < horizons.payloadDays) {
      const field = source.retention?.eventDays === undefined ? 'payloadDays' : 'eventDays';
      problems.push(
        `sources[${index}].retention.${field}: eventDays (${horizons.eventDays}) must be at least payloadDays (${horizons.payloadDays})`,
      );
    }
    sources.set(source.name, horizons);
  });
  return problems.length > 0 ? { ok: false, problems } : { ok: true, settings: { defaults, sources, auditDays } };
}

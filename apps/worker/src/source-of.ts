import type { SourceConfig, SourcesConfig } from '@hookline/core';
import type { EventJob } from '@hookline/queue';

/** The source is unknown to this worker: usually a deploy where the ingester's config is newer. Retried. */
export class UnknownSourceError extends Error {
  constructor(source: string) {
    super(`source "${source}" is not configured in this worker`);
    this.name = new.target.name;
  }
}

export function sourceOf(config: SourcesConfig, event: EventJob): SourceConfig {
  const source = config.sources.get(event.source);
  if (source === undefined) throw new UnknownSourceError(event.source);
  return source;
}

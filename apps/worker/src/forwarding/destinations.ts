import type { ForwardDestination, SourcesConfig } from '@hookline/core';

/** A destination as the running config has it, or undefined when it was removed since the forward was written. */
export function findDestination(config: SourcesConfig, source: string, url: string): ForwardDestination | undefined {
  return config.sources.get(source)?.forward.find((destination) => destination.url === url);
}

/** A destination for logs: scheme, host and path, never credentials or a query that may carry a token. */
export function describeDestination(url: string): string {
  const parsed = new URL(url);
  return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
}

import type { SourcesConfig } from './sources-config.js';

/**
 * Every header that carries a signature, token or credential for some source of `config`, lower
 * case: what logs must redact and what is never stored. Derived from the schemes themselves, so
 * a new preset or a custom scheme's header is covered without a second list to keep in step.
 */
export function secretHeaderNames(config: SourcesConfig): string[] {
  const names = new Set<string>();
  for (const source of config.sources.values()) {
    for (const name of source.scheme.signatureHeaders) names.add(name.toLowerCase());
  }
  return [...names].sort();
}

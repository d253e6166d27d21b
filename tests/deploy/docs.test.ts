import { parseSourcesConfig, resolveReconcileCredentials } from '@hookline/core';
import { describe, expect, it } from 'vitest';
import { readText } from './repo.js';

/** The first fenced YAML block of a Markdown file. */
function firstYamlBlock(path: string): string {
  const match = /```yaml\n([\s\S]*?)```/.exec(readText(path));
  if (match?.[1] === undefined) throw new Error(`${path} has no yaml block`);
  return match[1];
}

describe('docs/reconcile.md', () => {
  it('shows a sources file the worker accepts, once the variables it names are set', () => {
    const yaml = firstYamlBlock('docs/reconcile.md');
    const env = Object.fromEntries(
      [...yaml.matchAll(/\b([A-Z][A-Z0-9_]+(?:SECRET|TOKEN|KEY))\b/g)].map(([, name]) => [name, 'x']),
    );
    const parsed = parseSourcesConfig(yaml, env);
    if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
    expect([...parsed.config.sources.values()].map((source) => source.reconcile?.target.provider)).toEqual([
      'stripe',
      'github',
      'apify',
    ]);
    expect(resolveReconcileCredentials(parsed.config, env).ok).toBe(true);
  });
});

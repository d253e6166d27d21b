import { describe, expect, it } from 'vitest';
import { readText } from './repo.js';

/** Every version of `name` the lockfile resolves. */
function lockedVersions(name: string): string[] {
  const escaped = name.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  return [...readText('pnpm-lock.yaml').matchAll(new RegExp(`^  '?${escaped}@(\\d+\\.\\d+\\.\\d+)`, 'gm'))].map(
    (match) => match[1] ?? '',
  );
}

describe('locked dependencies', () => {
  it('resolve no esbuild older than 0.25 (GHSA-67mh-4wv8-2f99), drizzle-kit included', () => {
    const versions = lockedVersions('esbuild');
    expect(versions.length).toBeGreaterThan(0);
    const old = versions.filter((version) => {
      const [major = 0, minor = 0] = version.split('.').map(Number);
      return major === 0 && minor < 25;
    });
    expect(old).toEqual([]);
    expect(lockedVersions('drizzle-kit').length).toBeGreaterThan(0);
  });
});

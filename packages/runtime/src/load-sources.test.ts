import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from './config-error.js';
import { commonEnv, parseEnv } from './env.js';
import { loadSourcesConfig } from './load-sources.js';

function file(text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'hookline-')), 'sources.yaml');
  writeFileSync(path, text);
  return path;
}

describe('loadSourcesConfig', () => {
  it('names the file and the field whose secret is unset', () => {
    const path = file('sources:\n  - name: a\n    provider: hmac-sha256\n    secrets: [A_SECRET]\n');
    expect(() => loadSourcesConfig(path, {})).toThrowError(`${path}: sources[0].secrets[0]: env var A_SECRET is not set`);
  });

  it('says when the file cannot be read', () => {
    expect(() => loadSourcesConfig('/nonexistent/hookline.yaml', {})).toThrowError(ConfigError);
  });
});

describe('parseEnv', () => {
  it('applies defaults', () => {
    expect(parseEnv(commonEnv, {}).REDIS_URL).toBe('redis://127.0.0.1:6379');
  });

  it('names each bad key', () => {
    expect(() => parseEnv(commonEnv, { REDIS_URL: 'not a url', LOG_LEVEL: 'loud' })).toThrowError(/REDIS_URL: .*\n.*LOG_LEVEL: /);
  });
});

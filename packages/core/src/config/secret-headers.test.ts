import { describe, expect, it } from 'vitest';
import { secretHeaderNames } from './secret-headers.js';
import { parseSourcesConfig } from './sources-config.js';

describe('secretHeaderNames', () => {
  it("is the union of every source's signature and token headers, custom schemes included", () => {
    const result = parseSourcesConfig(
      `
sources:
  - { name: a, provider: github, secrets: [S] }
  - { name: b, provider: apify, secrets: [S], tokenHeader: X-Run-Token }
  - { name: c, provider: postmark, secrets: [S] }
  - name: d
    provider: custom
    secrets: [S]
    scheme: { algorithm: sha256, encoding: hex, signature: { headers: [X-Acme-Signature] }, content: '{body}' }
`,
      { S: 's' },
    );
    if (!result.ok) throw new Error(result.problems.join());
    expect(secretHeaderNames(result.config)).toEqual([
      'authorization',
      'x-acme-signature',
      'x-hub-signature',
      'x-hub-signature-256',
      'x-run-token',
    ]);
  });
});

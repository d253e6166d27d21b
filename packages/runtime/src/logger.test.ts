import { Writable } from 'node:stream';
import { parseSourcesConfig } from '@hookline/core';
import { describe, expect, it } from 'vitest';
import { createLogger, withSourceRedaction } from './logger.js';

function captured() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  return { lines, logger: createLogger({ name: 'test', destination }) };
}

describe('log redaction', () => {
  it("redacts every provider scheme's signature header and credential headers", () => {
    const { lines, logger } = captured();
    logger.info(
      {
        headers: {
          'stripe-signature': 't=1,v1=abc',
          'x-hub-signature-256': 'sha256=abc',
          'svix-signature': 'v1,abc',
          'x-hookline-token': 'token',
          authorization: 'Bearer abc',
          'x-request-id': 'kept',
        },
      },
      'delivery',
    );
    expect(lines[0]?.headers).toEqual({
      'stripe-signature': '[redacted]',
      'x-hub-signature-256': '[redacted]',
      'svix-signature': '[redacted]',
      'x-hookline-token': '[redacted]',
      authorization: '[redacted]',
      'x-request-id': 'kept',
    });
  });

  it("redacts a source's own token header once the sources are known, and still the schemes' ones", () => {
    const parsed = parseSourcesConfig(
      'sources:\n  - { name: runs, provider: apify, secrets: [T], tokenHeader: x-our-apify-token }\n',
      { T: 'apify-token' },
    );
    if (!parsed.ok) throw new Error(parsed.problems.join());
    const { lines, logger } = captured();
    withSourceRedaction(logger, parsed.config).info(
      { headers: { 'x-our-apify-token': 'apify-token', 'stripe-signature': 't=1,v1=abc', 'x-request-id': 'kept' } },
      'delivery',
    );
    expect(lines[0]?.headers).toEqual({
      'x-our-apify-token': '[redacted]',
      'stripe-signature': '[redacted]',
      'x-request-id': 'kept',
    });
  });
});

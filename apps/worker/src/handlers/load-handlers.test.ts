import { fileURLToPath } from 'node:url';
import { parseSourcesConfig } from '@hookline/core';
import { ConfigError } from '@hookline/runtime';
import { describe, expect, it } from 'vitest';
import { loadHandlers } from './load-handlers.js';

const fixtures = fileURLToPath(new URL('../../test-fixtures/handlers', import.meta.url));

function config(handlers: string[]) {
  const parsed = parseSourcesConfig(
    JSON.stringify({
      sources: [
        { name: 'plain', provider: 'hmac-sha256', secrets: ['S'] },
        { name: 'runs', provider: 'hmac-sha256', secrets: ['S'], handlers },
      ],
    }),
    { S: 's' },
  );
  if (!parsed.ok) throw new Error(parsed.problems.join());
  return parsed.config;
}

describe('loadHandlers', () => {
  it('loads handler modules relative to the sources file, keeping their order and event types', async () => {
    const registry = await loadHandlers(config(['./record-effect.ts', `${fixtures}/record-effect.ts`]), fixtures);
    const loaded = registry.get('runs');
    expect(loaded?.map(({ path }) => path)).toEqual(['./record-effect.ts', `${fixtures}/record-effect.ts`]);
    expect(loaded?.[0]?.matches('run.finished')).toBe(true);
    expect(loaded?.[0]?.matches('order.paid')).toBe(false);
    expect(registry.has('plain')).toBe(false);
  });

  it('stops start-up naming the source and path of a missing module', async () => {
    const error = await loadHandlers(config(['./missing.ts']), fixtures).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      `sources[1].handlers[0] (source "runs", handler ./missing.ts): cannot load ${fixtures}/missing.ts: module not found`,
    ]);
  });

  it('stops start-up naming a module that does not default-export a handler', async () => {
    const error = await loadHandlers(config(['./record-effect.ts', './not-a-handler.ts']), fixtures).catch(
      (caught: unknown) => caught,
    );
    expect((error as ConfigError).problems).toEqual([
      `sources[1].handlers[1] (source "runs", handler ./not-a-handler.ts): ${fixtures}/not-a-handler.ts does not default-export defineHandler({ handle })`,
    ]);
  });
});

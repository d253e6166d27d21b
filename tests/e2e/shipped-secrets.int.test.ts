import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseEnv } from 'node:util';
import { testRedisUrl } from '@hookline/queue/testing';
import { describe, expect, it, onTestFinished } from 'vitest';
import { captureOutput, exited, type Role, spawnRole } from './harness.js';

const root = new URL('../../', import.meta.url);
const demoEnv = parseEnv(readFileSync(new URL('demo.env', root), 'utf8')) as Record<string, string>;
const sourcesFile = fileURLToPath(new URL('hookline.config.yaml', root));

describe('with NODE_ENV=production and the secrets of demo.env', () => {
  for (const role of ['ingester', 'worker', 'admin'] as const satisfies readonly Role[]) {
    it(`the ${role} refuses to start, naming each variable`, async () => {
      const child = spawnRole(
        role,
        { ...demoEnv, NODE_ENV: 'production', REDIS_URL: testRedisUrl(), PORT: '0', LOG_LEVEL: 'info' },
        sourcesFile,
        'pipe',
      );
      onTestFinished(() => {
        if (child.exitCode === null) child.kill('SIGKILL');
      });
      const output = captureOutput(child);
      expect(await exited(child)).toBe(1);
      for (const name of ['DEMO_WEBHOOK_SECRET', 'DEMO_STANDARD_WEBHOOKS_SECRET', 'HOOKLINE_ADMIN_TOKEN']) {
        expect(output()).toContain(`${name}: holds a value shipped in demo.env`);
      }
    });
  }
});

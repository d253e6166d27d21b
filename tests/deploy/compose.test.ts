import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { sourcesFileSchema } from '@hookline/core';
import { describe, expect, it } from 'vitest';
import { readJson, readText, roleOf, roles, root, yamlWithMerges } from './repo.js';

interface Service {
  command?: unknown;
  environment?: Record<string, string>;
  env_file?: string[];
  ports?: string[];
}

const compose = yamlWithMerges('docker-compose.yml') as { services: Record<string, Service> };
const hooklineServices = Object.entries(compose.services).filter(([, service]) => roleOf(service.command) !== undefined);

function sourceSecretNames(): string[] {
  return sourcesFileSchema.parse(yamlWithMerges('hookline.config.yaml')).sources.flatMap((source) => source.secrets);
}

function envFileNames(path: string): string[] {
  return readText(path)
    .split('\n')
    .filter((line) => /^[A-Z_][A-Z0-9_]*=/.test(line))
    .map((line) => line.slice(0, line.indexOf('=')));
}

describe('docker-compose.yml', () => {
  it('runs every role, each with a command that exists', () => {
    const mains = hooklineServices.map(([, service]) => (service.command as string[])[1]);
    expect(mains.sort()).toEqual(
      Object.values(roles)
        .map((role) => role.main)
        .sort(),
    );
  });

  for (const [name, service] of hooklineServices) {
    const role = roleOf(service.command);
    if (role === undefined) continue;

    it(`${name}: runs the file its package script runs, built from the package's sources`, () => {
      const pkg = readJson<{ scripts: Record<string, string> }>(`${role.packageDir}/package.json`);
      const [, file] = (pkg.scripts[role.script] ?? '').split(' ');
      expect(join(role.packageDir, file ?? '')).toBe(role.main);
      const source = role.main.replace('/dist/', '/src/').replace(/\.js$/, '.ts');
      expect(existsSync(join(root, source)), source).toBe(true);
      const build = readJson<{ compilerOptions: { rootDir: string; outDir: string } }>(`${role.packageDir}/tsconfig.build.json`);
      expect(build.compilerOptions).toMatchObject({ rootDir: 'src', outDir: 'dist' });
    });

    it(`${name}: sets only variables the role reads, and listens where its port is published`, () => {
      expect(Object.keys(service.environment ?? {}).filter((key) => !role.env.includes(key))).toEqual([]);
      const port = service.environment?.PORT;
      if (port !== undefined) expect(service.ports?.some((mapping) => mapping.endsWith(`:${port}`))).toBe(true);
    });
  }

  it('gives the roles from env files only source secrets and the admin token', () => {
    const allowed = new Set([...sourceSecretNames(), 'HOOKLINE_ADMIN_TOKEN']);
    const files = new Set(hooklineServices.flatMap(([, service]) => service.env_file ?? []));
    for (const file of files)
      expect(
        envFileNames(file).filter((key) => !allowed.has(key)),
        file,
      ).toEqual([]);
    expect(envFileNames('demo.env')).toContain('HOOKLINE_ADMIN_TOKEN');
  });
});

describe('root scripts', () => {
  const scripts = readJson<{ scripts: Record<string, string> }>('package.json').scripts;

  it('start each role through its own package, and `pnpm start` runs all three', () => {
    for (const role of ['ingester', 'worker', 'admin'] as const) {
      expect(scripts[`start:${role}`]).toContain(`pnpm --filter @hookline/${role} start`);
    }
    const start = readText('scripts/start.mjs');
    for (const role of [roles.ingester, roles.worker, roles.admin, roles.migrate]) expect(start).toContain(role.main);
  });
});

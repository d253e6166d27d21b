import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { adminEnv } from '@hookline/admin';
import { ingesterEnv } from '@hookline/ingester';
import { commonEnv } from '@hookline/runtime';
import { workerEnv } from '@hookline/worker';
import { parseAllDocuments, parse as parseYaml } from 'yaml';

export const root = fileURLToPath(new URL('../../', import.meta.url));

export function readText(path: string): string {
  return readFileSync(join(root, path), 'utf8');
}

export function readJson<T = Record<string, unknown>>(path: string): T {
  return JSON.parse(readText(path)) as T;
}

/** Every `.yaml`/`.yml` file under a folder, as paths from the repository root. */
export function yamlFiles(folder: string): string[] {
  return readdirSync(join(root, folder), { recursive: true, encoding: 'utf8' })
    .filter((name) => /\.ya?ml$/.test(name))
    .map((name) => join(folder, name))
    .sort();
}

/** Every document of a YAML file; throws on the first parse error, naming the file. */
export function yamlDocuments(path: string): Record<string, unknown>[] {
  return parseAllDocuments(readText(path)).map((document) => {
    if (document.errors.length > 0) throw new Error(`${path}: ${document.errors.map((error) => error.message).join('; ')}`);
    return document.toJS({ maxAliasCount: -1 }) as Record<string, unknown>;
  });
}

/** A YAML file with merge keys (`<<: *anchor`) resolved, as docker compose reads it. */
export function yamlWithMerges(path: string): Record<string, unknown> {
  return parseYaml(readText(path), { merge: true }) as Record<string, unknown>;
}

export interface Role {
  /** The entrypoint every deployment runs, relative to the image's /app (the repository root). */
  readonly main: string;
  readonly packageDir: string;
  /** The package script that runs the same file from the package directory. */
  readonly script: string;
  /** The environment variables the role reads. */
  readonly env: readonly string[];
}

export const roles: Record<'ingester' | 'worker' | 'admin' | 'migrate', Role> = {
  ingester: {
    main: 'apps/ingester/dist/main.js',
    packageDir: 'apps/ingester',
    script: 'start',
    env: Object.keys(ingesterEnv.shape),
  },
  worker: { main: 'apps/worker/dist/main.js', packageDir: 'apps/worker', script: 'start', env: Object.keys(workerEnv.shape) },
  admin: { main: 'apps/admin/dist/main.js', packageDir: 'apps/admin', script: 'start', env: Object.keys(adminEnv.shape) },
  // migrate-cli reads DATABASE_URL only; the shared settings every role gets do it no harm.
  migrate: {
    main: 'packages/db/dist/migrate-cli.js',
    packageDir: 'packages/db',
    script: 'migrate',
    env: Object.keys(commonEnv.shape),
  },
};

export function roleOf(command: unknown): Role | undefined {
  if (!Array.isArray(command) || command[0] !== 'node') return undefined;
  return Object.values(roles).find((role) => role.main === command[1]);
}

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import { sourcesFileSchema } from '@hookline/core';
import { SHIPPED_SECRETS } from '@hookline/runtime';
import { describe, expect, it } from 'vitest';
import { readJson, readText, roleOf, roles, root, yamlWithMerges } from './repo.js';

interface Service {
  command?: unknown;
  environment?: Record<string, string>;
  env_file?: string[];
  ports?: string[];
  user?: string;
  read_only?: boolean;
  cap_drop?: string[];
  security_opt?: string[];
  volumes?: string[];
  secrets?: string[];
}

const compose = yamlWithMerges('docker-compose.yml') as {
  services: Record<string, Service>;
  secrets?: Record<string, { environment?: string; file?: string }>;
};
const hooklineServices = Object.entries(compose.services).filter(([, service]) => roleOf(service.command) !== undefined);

function sourceSecretNames(): string[] {
  return sourcesFileSchema.parse(yamlWithMerges('hookline.config.yaml')).sources.flatMap((source) => source.secrets);
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

  it('gives the roles secrets from a file the user creates, never demo.env, and never into the image', () => {
    const files = [...new Set(hooklineServices.flatMap(([, service]) => service.env_file ?? []))];
    expect(files).toEqual(['hookline.env']);
    const ignored = (path: string) => readText(path).split('\n');
    for (const file of [...files, '.env']) {
      expect(ignored('.gitignore'), `.gitignore: ${file}`).toContain(file);
      expect(ignored('.dockerignore'), `.dockerignore: ${file}`).toContain(file);
    }
    // The committed template names only source secrets and admin tokens, and gives none a value.
    const allowed = new Set([
      ...sourceSecretNames(),
      'HOOKLINE_ADMIN_TOKEN',
      'HOOKLINE_ADMIN_TOKENS',
      'HOOKLINE_ADMIN_VIEWER_TOKENS',
    ]);
    const template = parseEnv(readText('hookline.env.example'));
    expect(Object.keys(template).filter((key) => !allowed.has(key))).toEqual([]);
    expect(Object.keys(template)).toEqual(expect.arrayContaining([...sourceSecretNames(), 'HOOKLINE_ADMIN_TOKEN']));
    expect(Object.values(template).filter((value) => value !== '')).toEqual([]);
  });

  it('runs every role as a non-root user, read-only, without capabilities or privilege gains', () => {
    for (const [name, service] of hooklineServices) {
      expect(service.user, name).toMatch(/^[1-9]\d*:[1-9]\d*$/);
      expect(service.read_only, name).toBe(true);
      expect(service.cap_drop, name).toEqual(['ALL']);
      expect(service.security_opt, name).toContain('no-new-privileges:true');
    }
  });

  it('puts Redis and Postgres behind passwords compose must be given, and the roles log in with them', () => {
    // Compose's own interpolation, required: `docker compose up` stops when .env lacks either.
    const redisPassword = `\${REDIS_PASSWORD:?set REDIS_PASSWORD in .env}`;
    const postgresPassword = `\${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD in .env}`;
    const redis = compose.services.redis as Service;
    expect(redis.command).toEqual(expect.arrayContaining(['--user', 'default', 'off', `>${redisPassword}`]));
    const postgres = compose.services.postgres as Service;
    expect(postgres.environment?.POSTGRES_PASSWORD).toBe(postgresPassword);
    expect(postgres.environment?.POSTGRES_HOST_AUTH_METHOD).toBeUndefined();
    for (const [name, service] of hooklineServices) {
      expect(service.environment?.REDIS_URL, name).toBe(`redis://hookline:${redisPassword}@redis:6379`);
      expect(service.environment?.DATABASE_URL, name).toBe(
        `postgres://${postgres.environment?.POSTGRES_USER}:${postgresPassword}@postgres:5432/${postgres.environment?.POSTGRES_DB}`,
      );
    }
  });

  it('publishes the admin and the worker on the host loopback only', () => {
    for (const name of ['admin', 'worker']) {
      expect(
        compose.services[name]?.ports?.every((mapping) => mapping.startsWith('127.0.0.1:')),
        name,
      ).toBe(true);
    }
  });
});

describe('the image', () => {
  const stages = readText('Dockerfile').split(/^FROM /m);
  const runtime = stages.at(-1) ?? '';

  it('runs as a non-root user given by number, in production mode', () => {
    const users = [...runtime.matchAll(/^USER (\S+)/gm)].map((match) => match[1]);
    expect(users.at(-1)).toMatch(/^[1-9]\d*(:[1-9]\d*)?$/);
    expect(runtime).toMatch(/^ENV NODE_ENV=production$/m);
  });
});

describe('the values shipped in demo.env and the examples', () => {
  it('are all refused in production', () => {
    const files = ['demo.env', 'examples/apify-runs/example.env', 'examples/forward-to-service/example.env'];
    const secrets = files.flatMap((file) =>
      Object.entries(parseEnv(readText(file)))
        .filter(([name]) => /SECRET|TOKEN/.test(name))
        .map(([, value]) => value ?? ''),
    );
    expect(secrets.length).toBeGreaterThanOrEqual(6);
    expect(secrets.filter((value) => !SHIPPED_SECRETS.includes(value))).toEqual([]);
  });
});

/** Where a service mounts a file of the repository: container path by repository path. */
function mounts(service: Service): Map<string, string> {
  return new Map(
    (service.volumes ?? [])
      .filter((volume) => volume.startsWith('./'))
      .map((volume) => {
        const [from = '', to = ''] = volume.split(':');
        return [from.slice(2), to];
      }),
  );
}

describe('docker-compose.yml: Prometheus and Grafana', () => {
  const prometheus = compose.services.prometheus ?? {};
  const grafana = compose.services.grafana ?? {};

  it('Prometheus loads its config and the alert rules, and scrapes every role where it listens', () => {
    const mounted = mounts(prometheus);
    const configPath = mounted.get('infra/prometheus/prometheus.compose.yaml');
    expect(prometheus.command).toContain(`--config.file=${configPath}`);
    const config = yamlWithMerges('infra/prometheus/prometheus.compose.yaml') as {
      rule_files: string[];
      scrape_configs: {
        job_name: string;
        static_configs: { targets: string[] }[];
        authorization?: { credentials_file: string };
      }[];
    };
    expect(config.rule_files).toEqual([mounted.get('infra/prometheus/alerts.yaml')]);
    const scraped = new Map(
      config.scrape_configs.flatMap((job) =>
        job.static_configs.flatMap(({ targets }) =>
          targets.map((target) => [target.split(':')[0] ?? '', { job, target }] as const),
        ),
      ),
    );
    for (const role of ['ingester', 'worker', 'admin']) {
      const scrape = scraped.get(role);
      expect(scrape, role).toBeDefined();
      expect(scrape?.target).toBe(`${role}:${compose.services[role]?.environment?.PORT}`);
    }
    // The admin's /metrics needs a token: a compose secret, mounted where the scrape job reads it.
    const [secret] = prometheus.secrets ?? [];
    expect(scraped.get('admin')?.job.authorization?.credentials_file).toBe(`/run/secrets/${secret}`);
    expect(compose.secrets?.[secret ?? '']).toEqual({ environment: 'HOOKLINE_METRICS_TOKEN' });
  });

  it('Grafana provisions the Prometheus service as its data source and loads infra/grafana/hookline.json', () => {
    const mounted = mounts(grafana);
    expect(mounted.get('infra/grafana/provisioning')).toBe('/etc/grafana/provisioning');
    const datasources = yamlWithMerges('infra/grafana/provisioning/datasources/prometheus.yaml') as {
      datasources: { type: string; url: string }[];
    };
    expect(datasources.datasources).toEqual([expect.objectContaining({ type: 'prometheus', url: 'http://prometheus:9090' })]);
    const providers = yamlWithMerges('infra/grafana/provisioning/dashboards/hookline.yaml') as {
      providers: { options: { path: string } }[];
    };
    const dashboardPath = mounted.get('infra/grafana/hookline.json');
    expect(dashboardPath).toBe(`${providers.providers[0]?.options.path}/hookline.json`);
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

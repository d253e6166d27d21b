import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseSourcesConfig, type SourcesConfig, signHmacSha256 } from '@hookline/core';
import { createTestDatabase, type TestDatabase } from '@hookline/db/testing';
import { createIngesterRole, type IngesterRole, ingesterEnv } from '@hookline/ingester';
import { UNHURRIED } from '@hookline/ingester/testing';
import type { EventQueue } from '@hookline/queue';
import { freePort, removePrefix, testPrefix, testRedisUrl } from '@hookline/queue/testing';
import { createLogger, type Logger, parseEnv, type Tracing } from '@hookline/runtime';
import {
  createWorkerRole,
  type HandlerRegistry,
  noHandlers,
  type SweeperOptions,
  type WorkerRole,
  workerEnv,
} from '@hookline/worker';
import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';

export const SECRET = 'e2e-secret';

export const SOURCES_YAML = `
sources:
  - name: jobs
    provider: hmac-sha256
    secrets: [JOBS_SECRET]
    entity: { id: job.id, status: job.status }
    statuses:
      ranks: { queued: 1, running: 2, finishing: 3, succeeded: 4 }
      terminal: [succeeded]
`;

export const sourceEnv = { JOBS_SECRET: SECRET };

/** The `jobs` source's ranks, as in `SOURCES_YAML`: `succeeded` is terminal and ranks highest. */
export const JOB_RANKS: Readonly<Record<string, number>> = { queued: 1, running: 2, finishing: 3, succeeded: 4 };

/** A fixed-seed generator for shuffles: a failure is reproducible. */
export function seededRandom(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

/** The sources a pipeline serves: the `jobs` source above unless a test brings its own. */
export interface PipelineSources {
  readonly yaml: string;
  readonly env: Record<string, string>;
}

export function sourcesConfig(sources: PipelineSources = { yaml: SOURCES_YAML, env: sourceEnv }): SourcesConfig {
  const parsed = parseSourcesConfig(sources.yaml, sources.env);
  if (!parsed.ok) throw new Error(parsed.problems.join());
  return parsed.config;
}

export function signedDelivery(eventId: string, body: string) {
  const timestamp = Math.floor(Date.now() / 1000);
  return {
    method: 'POST' as const,
    url: '/webhooks/jobs',
    payload: body,
    headers: {
      'content-type': 'application/json',
      'x-event-id': eventId,
      'x-timestamp': String(timestamp),
      'x-signature': `sha256=${signHmacSha256(SECRET, eventId, timestamp, Buffer.from(body))}`,
    },
  };
}

export function jobBody(jobId: string, status: string): string {
  return JSON.stringify({ type: 'job.updated', job: { id: jobId, status } });
}

/** Polls until `check` returns a value other than undefined, or fails after `timeoutMs`. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export interface WorkerOptions {
  readonly concurrency?: number;
  /** The database the worker writes to; the pipeline's own unless a test routes it elsewhere (a proxy). */
  readonly databaseUrl?: string;
  readonly config?: SourcesConfig;
  readonly handlers?: HandlerRegistry;
  readonly sweep?: SweeperOptions;
  /** Silent unless a test reads what the worker logs. */
  readonly logger?: Logger;
  /** Off unless a test reads the worker's spans. */
  readonly tracing?: Tracing;
}

export interface Pipeline {
  readonly database: TestDatabase;
  readonly prefix: string;
  readonly ingester: FastifyInstance;
  readonly ingesterRole: IngesterRole;
  readonly queue: EventQueue;
  readonly producer: Redis;
  /** A worker role as `main.ts` creates it, started, on the pipeline's database and prefix. */
  startWorker(options?: WorkerOptions): Promise<WorkerRole>;
  close(): Promise<void>;
}

/** Settings the tests' roles share: the pipeline's Redis and prefix, 3 quick attempts, quiet logs. */
export function roleEnv(prefix: string): Record<string, string> {
  return {
    REDIS_URL: testRedisUrl(),
    HOOKLINE_QUEUE_PREFIX: prefix,
    HOOKLINE_JOB_ATTEMPTS: '3',
    ...UNHURRIED,
    HOOKLINE_RETRY_BASE_MS: '20',
    HOOKLINE_RETRY_CAP_MS: '100',
    HOST: '127.0.0.1',
    PORT: '0',
  };
}

/**
 * A real ingester role (inject) and worker roles on a private database and queue prefix,
 * serving the test sources or the `config` given (the examples pass their own): the same
 * composition roots `main.ts` runs, with the test's settings.
 */
export async function createPipeline(options: { config?: SourcesConfig; tracing?: Tracing } = {}): Promise<Pipeline> {
  const config = options.config ?? sourcesConfig();
  const database = await createTestDatabase();
  const prefix = testPrefix();
  const logger = createLogger({ name: 'e2e', level: 'silent' });
  const ingester = await createIngesterRole(parseEnv(ingesterEnv, roleEnv(prefix)), {
    config,
    logger,
    ...(options.tracing && { tracing: options.tracing }),
  });
  const workers: WorkerRole[] = [];
  return {
    database,
    prefix,
    ingester: ingester.app,
    ingesterRole: ingester,
    queue: ingester.queue,
    producer: ingester.connection,
    async startWorker(options = {}) {
      const env = parseEnv(workerEnv, {
        ...roleEnv(prefix),
        // Tests run retention passes themselves, with the clock they need: a scheduled pass
        // with the real clock would hold the pass lock and make theirs a no-op.
        HOOKLINE_RETENTION_EVERY_MINUTES: '0',
        DATABASE_URL: options.databaseUrl ?? database.url,
        WORKER_CONCURRENCY: String(options.concurrency ?? 20),
        FORWARD_CONCURRENCY: '10',
      });
      const worker = await createWorkerRole(env, {
        config: options.config ?? config,
        logger: options.logger ?? logger,
        handlers: options.handlers ?? noHandlers,
        ...(options.sweep && { sweep: options.sweep }),
        ...(options.tracing && { tracing: options.tracing }),
      });
      workers.push(worker);
      await worker.start({ abort: (reason: Error) => logger.error({ reason: reason.message }, 'worker asked to stop') });
      return worker;
    },
    async close() {
      for (const worker of workers) await worker.close();
      await removePrefix(ingester.connection, prefix);
      await ingester.close();
      await database.drop();
    },
  };
}

const mains = {
  worker: fileURLToPath(new URL('../../apps/worker/src/main.ts', import.meta.url)),
  ingester: fileURLToPath(new URL('../../apps/ingester/src/main.ts', import.meta.url)),
  admin: fileURLToPath(new URL('../../apps/admin/src/main.ts', import.meta.url)),
};

export type Role = keyof typeof mains;

/**
 * Runs a role's real entrypoint from source as a separate process (`node --conditions=@hookline/source
 * --import tsx apps/<role>/src/main.ts`), with the test secrets and the sources file at `sourcesPath`.
 */
export function spawnRole(
  role: Role,
  env: Record<string, string>,
  sourcesPath: string,
  output: 'inherit' | 'pipe',
): ChildProcess {
  return spawn(process.execPath, ['--conditions=@hookline/source', '--import', 'tsx', mains[role]], {
    env: { ...process.env, ...sourceEnv, HOOKLINE_CONFIG: sourcesPath, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', output, output],
  });
}

/** Writes a sources file into a directory of its own and returns its path. */
export function writeSourcesFile(yaml: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'hookline-e2e-')), 'hookline.config.yaml');
  writeFileSync(path, yaml);
  return path;
}

function spawnMain(role: Role, env: Record<string, string>, sourcesYaml: string, output: 'inherit' | 'pipe') {
  return spawnRole(role, env, writeSourcesFile(sourcesYaml), output);
}

/**
 * Runs the worker's real entrypoint as a separate process against the pipeline's database
 * and prefix, with the test sources file or another one.
 */
export function spawnWorker(
  pipeline: Pipeline,
  env: Record<string, string> = {},
  sourcesYaml = SOURCES_YAML,
  output: 'inherit' | 'pipe' = 'inherit',
): ChildProcess {
  return spawnMain(
    'worker',
    {
      DATABASE_URL: pipeline.database.url,
      REDIS_URL: testRedisUrl(),
      HOOKLINE_QUEUE_PREFIX: pipeline.prefix,
      PORT: '0',
      ...env,
    },
    sourcesYaml,
    output,
  );
}

/** A real ingester process listening on a spare port, with everything it printed kept. */
export interface SpawnedIngester {
  readonly child: ChildProcess;
  readonly url: string;
  /** stdout and stderr so far: one JSON log line each. */
  output(): string;
}

/** Collects a piped child's stdout and stderr. */
export function captureOutput(child: ChildProcess): () => string {
  const chunks: string[] = [];
  child.stdout?.on('data', (chunk) => chunks.push(String(chunk)));
  child.stderr?.on('data', (chunk) => chunks.push(String(chunk)));
  return () => chunks.join('');
}

/**
 * Starts the ingester's real entrypoint and waits until it answers `/healthz`, or rejects
 * with its output if it exits first.
 */
export async function spawnIngester(options: {
  prefix: string;
  env?: Record<string, string>;
  sourcesYaml?: string;
}): Promise<SpawnedIngester> {
  const port = await freePort();
  const child = spawnMain(
    'ingester',
    { REDIS_URL: testRedisUrl(), HOOKLINE_QUEUE_PREFIX: options.prefix, PORT: String(port), HOST: '127.0.0.1', ...options.env },
    options.sourcesYaml ?? SOURCES_YAML,
    'pipe',
  );
  const output = captureOutput(child);
  const url = `http://127.0.0.1:${port}`;
  await waitFor('the ingester to answer /healthz', async () => {
    if (child.exitCode !== null) throw new Error(`ingester exited with ${child.exitCode}:\n${output()}`);
    const healthy = await fetch(`${url}/healthz`).then(
      (response) => response.ok,
      () => false,
    );
    return healthy ? true : undefined;
  });
  return { child, url, output };
}

/** Resolves with the exit code once the process has ended. */
export function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

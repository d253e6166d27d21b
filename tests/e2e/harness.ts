import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseSourcesConfig, type SourcesConfig, signHmacSha256 } from '@hookline/core';
import { createTestDatabase, type TestDatabase } from '@hookline/db/testing';
import { buildApp } from '@hookline/ingester';
import {
  createEnqueuer,
  createEventQueue,
  createProducerConnection,
  createWorkerConnection,
  type EventQueue,
} from '@hookline/queue';
import { removePrefix, testPrefix, testRedisUrl } from '@hookline/queue/testing';
import { createLogger } from '@hookline/runtime';
import { buildWorker, createWorkerMetrics, type EventWorker } from '@hookline/worker';
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
      'x-signature': `sha256=${signHmacSha256(SECRET, timestamp, Buffer.from(body))}`,
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

export interface Pipeline {
  readonly database: TestDatabase;
  readonly prefix: string;
  readonly ingester: FastifyInstance;
  readonly queue: EventQueue;
  readonly producer: Redis;
  startWorker(options?: { concurrency?: number; config?: SourcesConfig }): EventWorker;
  close(): Promise<void>;
}

/** A real ingester (inject) and in-process workers on a private database and queue prefix. */
export async function createPipeline(sources?: PipelineSources): Promise<Pipeline> {
  const database = await createTestDatabase();
  const prefix = testPrefix();
  const producer = createProducerConnection(testRedisUrl());
  const queue = createEventQueue(producer, { prefix, attempts: 3 });
  const logger = createLogger({ name: 'e2e', level: 'silent' });
  const ingester = await buildApp({ config: sourcesConfig(sources), enqueuer: createEnqueuer(queue, producer), logger });
  const workers: { worker: EventWorker; connection: Redis }[] = [];
  return {
    database,
    prefix,
    ingester,
    queue,
    producer,
    startWorker(options = {}) {
      const connection = createWorkerConnection(testRedisUrl());
      const worker = buildWorker({
        db: database.client.db,
        metrics: createWorkerMetrics(),
        config: options.config ?? sourcesConfig(sources),
        logger,
        connection,
        prefix,
        concurrency: options.concurrency ?? 20,
        backoff: { baseMs: 20, capMs: 100 },
      });
      workers.push({ worker, connection });
      return worker;
    },
    async close() {
      for (const { worker, connection } of workers) {
        await worker.close();
        await connection.quit();
      }
      await ingester.close();
      await queue.close();
      await removePrefix(producer, prefix);
      await producer.quit();
      await database.drop();
    },
  };
}

const workerMain = fileURLToPath(new URL('../../apps/worker/src/main.ts', import.meta.url));

/** Runs the worker's real entrypoint as a separate process against the pipeline's database and prefix. */
export function spawnWorker(pipeline: Pipeline, env: Record<string, string> = {}): ChildProcess {
  const dir = mkdtempSync(join(tmpdir(), 'hookline-e2e-'));
  const configPath = join(dir, 'hookline.config.yaml');
  writeFileSync(configPath, SOURCES_YAML);
  return spawn(process.execPath, ['--conditions=@hookline/source', '--import', 'tsx', workerMain], {
    env: {
      ...process.env,
      ...sourceEnv,
      DATABASE_URL: pipeline.database.url,
      REDIS_URL: testRedisUrl(),
      HOOKLINE_CONFIG: configPath,
      HOOKLINE_QUEUE_PREFIX: pipeline.prefix,
      PORT: '0',
      LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
}

/** Resolves with the exit code once the process has ended. */
export function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

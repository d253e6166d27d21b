import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrateDatabase } from '@hookline/db';
import { removePrefix } from '@hookline/queue/testing';
import { Redis } from 'ioredis';
import postgres from 'postgres';
import { BENCH_SECRET, BENCH_SECRET_ENV, BENCH_SOURCES_YAML } from './bench-config.js';

/** Private resources for one bench run: databases and a queue prefix of its own, removed afterwards. */
export class BenchContext {
  readonly id = randomUUID().replaceAll('-', '').slice(0, 12);
  readonly redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  readonly redis = new Redis(this.redisUrl);
  readonly configPath: string;
  private readonly databases: string[] = [];
  private readonly prefixes: string[] = [];

  constructor() {
    const dir = mkdtempSync(join(tmpdir(), 'hookline-bench-'));
    this.configPath = join(dir, 'hookline.config.yaml');
    writeFileSync(this.configPath, BENCH_SOURCES_YAML);
  }

  private serverUrl(database: string): string {
    const url = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/hookline');
    url.pathname = `/${database}`;
    return url.toString();
  }

  /** A migrated database of its own for one scenario. */
  async database(label: string): Promise<string> {
    const name = `hookline_bench_${this.id}_${label}`;
    const url = this.serverUrl(name);
    await migrateDatabase(url);
    this.databases.push(name);
    return url;
  }

  prefix(label: string): string {
    const prefix = `bench-${this.id}-${label}`;
    this.prefixes.push(prefix);
    return prefix;
  }

  /** Environment for Hookline's own roles. */
  roleEnv(databaseUrl: string, prefix: string, extra: Record<string, string> = {}): Record<string, string> {
    return {
      REDIS_URL: this.redisUrl,
      DATABASE_URL: databaseUrl,
      HOOKLINE_CONFIG: this.configPath,
      HOOKLINE_QUEUE_PREFIX: prefix,
      [BENCH_SECRET_ENV]: BENCH_SECRET,
      ...extra,
    };
  }

  async cleanup(): Promise<void> {
    for (const prefix of this.prefixes) await removePrefix(this.redis, prefix);
    await this.redis.quit();
    const admin = postgres(this.serverUrl('postgres'), { max: 1, onnotice: () => {} });
    for (const name of this.databases) await admin.unsafe(`drop database if exists "${name}" with (force)`);
    await admin.end();
  }
}

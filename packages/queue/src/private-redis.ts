import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';

/** A redis-server of a test's own, on a spare port, that the test may kill and start again. */
export interface PrivateRedis {
  readonly port: number;
  readonly url: string;
  /** Where it keeps its AOF: kept across restarts, removed by `remove`. */
  readonly dir: string;
  /** Starts it (again) with the same port and directory, and waits until it answers. */
  start(args?: readonly string[]): Promise<void>;
  /** Ends it the hard way: no shutdown save, as a crash or the OOM killer would. */
  kill(): Promise<void>;
  /** Kills it if running and deletes its directory. */
  remove(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

async function answers(port: number): Promise<void> {
  const probe = new Redis(port, '127.0.0.1', { retryStrategy: () => 50, maxRetriesPerRequest: null });
  probe.on('error', () => {});
  try {
    await probe.ping();
  } finally {
    probe.disconnect();
  }
}

/** A private Redis, not yet started. `start` takes redis-server options such as `--appendonly yes`. */
export async function privateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'hookline-redis-'));
  let server: ChildProcess | undefined;
  const kill = async () => {
    const running = server;
    server = undefined;
    if (running === undefined || running.exitCode !== null || running.signalCode !== null) return;
    await new Promise((resolve) => {
      running.once('exit', resolve);
      running.kill('SIGKILL');
    });
  };
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    dir,
    async start(args = []) {
      await kill();
      server = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', ...args], {
        stdio: 'ignore',
      });
      await answers(port);
    },
    kill,
    async remove() {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

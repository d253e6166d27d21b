import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A redis-server of a test's own, on a spare port, that the test may kill and start again. */
export interface PrivateRedis {
  readonly port: number;
  readonly url: string;
  /** Holds the AOF: a restart on the same directory reloads every write it logged. */
  readonly dir: string;
  /**
   * Starts it on the same port and directory and resolves once it answers PING. A running
   * server is left as it is, unless other options are given: then it is restarted with them.
   */
  start(args?: readonly string[]): Promise<void>;
  /** SIGKILL: no shutdown, no final save, as a crash or the OOM killer would end it. */
  kill(): Promise<void>;
  isRunning(): boolean;
  /** Kills it and deletes its directory. */
  remove(): Promise<void>;
}

/** The settings the queue relies on, fsynced on every write so a kill loses nothing acknowledged. */
export const DURABLE_REDIS_ARGS = ['--appendonly', 'yes', '--appendfsync', 'always', '--maxmemory-policy', 'noeviction'];

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/** True when a server answers PONG on `port` (not while it is still loading its AOF). */
function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let reply = '';
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk.toString();
      if (reply.includes('\r\n')) done(reply.startsWith('+PONG'));
    });
  });
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

function tail(path: string): string {
  try {
    return readFileSync(path, 'utf8').slice(-2000);
  } catch {
    return '';
  }
}

/** A private Redis, not yet started; `defaultArgs` are redis-server options such as `--appendonly yes`. */
export async function privateRedis(defaultArgs: readonly string[] = DURABLE_REDIS_ARGS): Promise<PrivateRedis> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'hookline-redis-'));
  const logFile = join(dir, 'redis.log');
  let child: ChildProcess | undefined;
  const redis: PrivateRedis = {
    port,
    url: `redis://127.0.0.1:${port}`,
    dir,
    async start(args) {
      if (redis.isRunning()) {
        if (args === undefined) return;
        await redis.kill();
      }
      const base = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--logfile', logFile];
      const started = spawn('redis-server', [...base, ...(args ?? defaultArgs)], { stdio: 'ignore' });
      child = started;
      const deadline = Date.now() + 20_000;
      while (!(await answersPing(port))) {
        if (started.exitCode !== null || Date.now() > deadline) {
          started.kill('SIGKILL');
          throw new Error(`redis-server on port ${port} did not start:\n${tail(logFile)}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    async kill() {
      const running = child;
      child = undefined;
      if (running === undefined) return;
      running.kill('SIGKILL');
      await exited(running);
    },
    isRunning() {
      return child !== undefined && child.exitCode === null && child.signalCode === null;
    },
    async remove() {
      await redis.kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return redis;
}

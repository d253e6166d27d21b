import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, sleep } from './ports.js';

/** A redis-server of the test's own, which the test may kill and start again. */
export interface PrivateRedis {
  readonly port: number;
  readonly url: string;
  /** Holds the AOF: a restart on the same directory reloads every acknowledged write. */
  readonly dir: string;
  /** Starts the server (again) on the same port and directory; resolves once it answers PING. */
  start(): Promise<void>;
  /** SIGKILL: no shutdown, no final save; what survives is what the AOF already holds. */
  kill(): Promise<void>;
  isRunning(): boolean;
  /** Kills the server and removes its directory. */
  remove(): Promise<void>;
}

/** True when a server answers PING on `port` (not while it is still loading its AOF). */
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

function whenExited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/**
 * Starts `redis-server` on a spare port with an AOF fsynced on every write
 * (`appendfsync always`) and no RDB snapshots, in a fresh temporary directory.
 */
export async function startPrivateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'hookline-faults-redis-'));
  const logFile = join(dir, 'redis.log');
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--dir',
    dir,
    '--appendonly',
    'yes',
    '--appendfsync',
    'always',
    '--save',
    '',
    '--maxmemory-policy',
    'noeviction',
    '--logfile',
    logFile,
  ];
  let child: ChildProcess | undefined;

  const redis: PrivateRedis = {
    port,
    url: `redis://127.0.0.1:${port}`,
    dir,
    async start() {
      if (redis.isRunning()) return;
      const started = spawn('redis-server', args, { stdio: 'ignore' });
      child = started;
      const deadline = Date.now() + 20_000;
      while (!(await answersPing(port))) {
        if (started.exitCode !== null || Date.now() > deadline) {
          const log = (() => {
            try {
              return readFileSync(logFile, 'utf8').slice(-2000);
            } catch {
              return '';
            }
          })();
          started.kill('SIGKILL');
          throw new Error(`redis-server on port ${port} did not start:\n${log}`);
        }
        await sleep(50);
      }
    },
    async kill() {
      if (child === undefined) return;
      const running = child;
      child = undefined;
      running.kill('SIGKILL');
      await whenExited(running);
    },
    isRunning() {
      return child !== undefined && child.exitCode === null && child.signalCode === null;
    },
    async remove() {
      await redis.kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await redis.start();
  return redis;
}

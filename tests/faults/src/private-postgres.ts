import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './ports.js';

const run = promisify(execFile);

const PG_BIN = process.env.HOOKLINE_PG_BIN ?? '/usr/lib/postgresql/15/bin';

function binary(name: string): string {
  const path = join(PG_BIN, name);
  return existsSync(path) ? path : name;
}

/** A PostgreSQL server of the test's own, which the test may stop and start again. */
export interface PrivatePostgres {
  readonly port: number;
  /** Connection URL of `database` on this server (user postgres, trust auth). */
  url(database: string): string;
  start(): Promise<void>;
  /** `fast` disconnects clients and shuts down cleanly; `immediate` is a crash (recovery at the next start). */
  stop(mode?: 'fast' | 'immediate'): Promise<void>;
  isRunning(): boolean;
  /** Stops the server and removes its directory. */
  remove(): Promise<void>;
}

/**
 * Runs a Postgres binary as the `postgres` user when we are root (initdb and the server
 * refuse to run as root), directly otherwise.
 */
function runAsPostgres(command: string, args: string[]): Promise<unknown> {
  const asRoot = process.getuid?.() === 0;
  return asRoot ? run('runuser', ['-u', 'postgres', '--', binary(command), ...args]) : run(binary(command), args);
}

/**
 * initdb's a fresh cluster in a temporary directory and starts it on a spare port, listening
 * on 127.0.0.1 only, with its socket in its own directory and `fsync=off` (a test server:
 * durability across a machine crash is not under test, a process crash is).
 */
export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const port = await freePort();
  const base = mkdtempSync(join(tmpdir(), 'hookline-faults-pg-'));
  if (process.getuid?.() === 0) chownSync(base, ...postgresIds());
  const data = join(base, 'data');
  const logFile = join(base, 'postgres.log');
  await runAsPostgres('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync']);
  const options = `-p ${port} -k ${base} -c listen_addresses=127.0.0.1 -c fsync=off`;
  let running = false;

  const postgres: PrivatePostgres = {
    port,
    url: (database) => `postgres://postgres@127.0.0.1:${port}/${database}`,
    async start() {
      if (running) return;
      try {
        await runAsPostgres('pg_ctl', ['-D', data, '-o', options, '-l', logFile, '-w', '-t', '60', 'start']);
      } catch (error) {
        const log = existsSync(logFile) ? readFileSync(logFile, 'utf8').slice(-2000) : '';
        throw new Error(`postgres on port ${port} did not start: ${(error as Error).message}\n${log}`);
      }
      running = true;
    },
    async stop(mode = 'fast') {
      if (!running) return;
      await runAsPostgres('pg_ctl', ['-D', data, '-m', mode, '-w', '-t', '60', 'stop']);
      running = false;
    },
    isRunning: () => running,
    async remove() {
      try {
        await postgres.stop('immediate');
      } finally {
        rmSync(base, { recursive: true, force: true });
      }
    },
  };
  await postgres.start();
  return postgres;
}

/** uid and gid of the `postgres` user, read from /etc/passwd. */
function postgresIds(): [number, number] {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((entry) => entry.startsWith('postgres:'));
  const [, , uid, gid] = line?.split(':') ?? [];
  if (uid === undefined || gid === undefined) throw new Error('no postgres user in /etc/passwd');
  return [Number(uid), Number(gid)];
}

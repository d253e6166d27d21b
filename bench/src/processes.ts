import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type postgres from 'postgres';
import type { LoadResult } from './load/load-result.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** Runs a TypeScript entrypoint (path from the repo root) in its own Node process, from source. */
export function spawnTs(path: string, env: Record<string, string>, args: string[] = []): ChildProcess {
  return spawn(process.execPath, ['--conditions=@hookline/source', '--import', 'tsx', `${repoRoot}${path}`, ...args], {
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
}

export type Role = 'ingester' | 'worker';

/**
 * Where the roles run from: this checkout, or `BENCH_ROLES_ROOT` (another checkout, built) to
 * compare two versions in one run on one machine (`compare.ts`).
 */
function rolesRoot(): string {
  const root = process.env.BENCH_ROLES_ROOT;
  return root === undefined ? repoRoot : `${root.replace(/\/$/, '')}/`;
}

/** Builds every role's `dist/` (and the packages they import), as a deployment would. */
export function buildRoles(): void {
  execFileSync('pnpm', ['exec', 'turbo', 'run', 'build', '--filter=@hookline/ingester', '--filter=@hookline/worker'], {
    cwd: rolesRoot(),
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

/**
 * Runs a role as deployed: `node dist/main.js`, built by `buildRoles`. `nice` lowers its CPU
 * priority, as a deployment gives a background role less CPU than the one answering senders.
 */
export function spawnRole(role: Role, env: Record<string, string>, options: { nice?: number } = {}): ChildProcess {
  const command = [process.execPath, `${rolesRoot()}apps/${role}/dist/main.js`];
  const [file, ...args] = options.nice === undefined ? command : ['nice', '-n', String(options.nice), ...command];
  const child = spawn(file as string, args, {
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  // Read and dropped: a full pipe would stall the role at its next log line.
  child.stdout?.resume();
  return child;
}

/** Waits until `url` answers 200 (a role's /healthz or a bench server's route). */
export async function waitForHttp(url: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url, {
        method: url.includes('/webhooks/') ? 'POST' : 'GET',
        body: url.includes('/webhooks/') ? '{}' : null,
      });
      if (response.status < 500) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${url} did not come up`);
}

export async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

/** What a load generator prints when its warm-up ends and the measured load begins. */
export const MEASURING = 'measuring';

/**
 * Runs a load generator to completion and returns what it reported. `onMeasuring` runs when a
 * generator with a warm-up says the measured load begins, for readings taken over it alone.
 */
export async function runLoad(
  script: 'closed-loop' | 'open-loop' | 'overload-loop',
  options: object,
  onMeasuring?: () => void,
): Promise<LoadResult> {
  const child = spawnTs(`bench/src/load/${script}.ts`, {}, [JSON.stringify(options)]);
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += String(chunk);
    if (onMeasuring && output.includes(`${MEASURING}\n`)) {
      onMeasuring();
      onMeasuring = undefined;
    }
  });
  const code = await new Promise((resolve) => child.once('exit', resolve));
  const last = output.trim().split('\n').pop() ?? '';
  if (code !== 0 || !last.startsWith('{')) throw new Error(`load generator failed (${code}): ${output}`);
  return JSON.parse(last) as LoadResult;
}

/** Resident memory of a process, in MiB. */
export function rssMiB(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : 0;
}

/** CPU time of the whole machine since boot, in clock ticks: busy (not idle or waiting) and total. */
export function machineCpu(): { busy: number; total: number } {
  const fields = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').trim().split(/\s+/).slice(1).map(Number);
  const total = fields.reduce((sum, value) => sum + value, 0);
  // idle and iowait are the 4th and 5th fields of the "cpu" line.
  return { busy: total - (fields[3] ?? 0) - (fields[4] ?? 0), total };
}

/**
 * The machine's TCP counters that explain a 1 s tail: SYNs dropped because a listen queue was
 * full (`ListenOverflows`), and SYNs the clients sent again (`TCPSynRetrans`, after 1 s, 3 s …).
 */
export function tcpDrops(): { listenOverflows: number; synRetransmits: number } {
  const lines = readFileSync('/proc/net/netstat', 'utf8')
    .split('\n')
    .filter((line) => line.startsWith('TcpExt:'));
  const names = lines[0]?.split(/\s+/) ?? [];
  const values = lines[1]?.split(/\s+/) ?? [];
  const value = (name: string) => Number(values[names.indexOf(name)] ?? 0);
  return { listenOverflows: value('ListenOverflows'), synRetransmits: value('TCPSynRetrans') };
}

/** Sets the nice value of a database's sessions opened by the worker (application name `hookline-worker`). */
export async function renice(sql: postgres.Sql, database: string, nice: number): Promise<void> {
  const rows = await sql<{ pid: number }[]>`
    select pid from pg_stat_activity where datname = ${database} and application_name = 'hookline-worker'`;
  for (const { pid } of rows) {
    try {
      execFileSync('renice', ['-n', String(nice), '-p', String(pid)], { stdio: 'ignore' });
    } catch {
      // the session ended meanwhile
    }
  }
}

/** CPU time (user + system) a process has used, in microseconds. */
export function cpuMicros(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  // utime and stime are fields 14 and 15 of /proc/pid/stat, in clock ticks (100 per second).
  return (Number(fields[11]) + Number(fields[12])) * 10_000;
}

import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { sourceEnv } from '@hookline/e2e/harness';
import { freePort, sleep } from './ports.js';

const entrypoints = {
  ingester: fileURLToPath(new URL('../../../apps/ingester/src/main.ts', import.meta.url)),
  worker: fileURLToPath(new URL('../../../apps/worker/src/main.ts', import.meta.url)),
} as const;

export type Role = keyof typeof entrypoints;

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** A role's real entrypoint running as a child process, listening on its own port. */
export interface RoleProcess {
  readonly role: Role;
  readonly child: ChildProcess;
  readonly port: number;
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** Settles when the process has ended. */
  readonly exit: Promise<Exit>;
  isRunning(): boolean;
  /** The last lines it wrote (stdout and stderr), for failure messages. */
  output(): string;
}

export interface RoleOptions {
  readonly redisUrl: string;
  readonly prefix: string;
  readonly sourcesPath: string;
  /** Only the worker uses it. */
  readonly databaseUrl?: string;
  readonly env?: Record<string, string>;
}

const started = new Set<RoleProcess>();

const OUTPUT_KEPT = 16_000;

/**
 * Spawns `node --conditions=@hookline/source --import tsx apps/<role>/src/main.ts` with the
 * environment a deployment would give it, and resolves once its `/healthz` answers.
 */
export async function startRole(role: Role, options: RoleOptions): Promise<RoleProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--conditions=@hookline/source', '--import', 'tsx', entrypoints[role]], {
    env: {
      ...process.env,
      ...sourceEnv,
      PORT: String(port),
      HOST: '127.0.0.1',
      REDIS_URL: options.redisUrl,
      HOOKLINE_CONFIG: options.sourcesPath,
      HOOKLINE_QUEUE_PREFIX: options.prefix,
      ...(options.databaseUrl !== undefined && { DATABASE_URL: options.databaseUrl }),
      LOG_LEVEL: 'warn',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-OUTPUT_KEPT);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exit = new Promise<Exit>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const running: RoleProcess = {
    role,
    child,
    port,
    url: `http://127.0.0.1:${port}`,
    exit,
    isRunning: () => child.exitCode === null && child.signalCode === null,
    output: () => output,
  };
  started.add(running);
  void exit.then(() => started.delete(running));

  const deadline = Date.now() + 30_000;
  for (;;) {
    if (!running.isRunning()) throw new Error(`${role} exited during start-up:\n${output}`);
    if (Date.now() > deadline) throw new Error(`${role} did not answer /healthz within 30 s:\n${output}`);
    const status = await fetch(`${running.url}/healthz`).then(
      (response) => response.status,
      () => 0,
    );
    if (status === 200) return running;
    await sleep(100);
  }
}

/** `GET <url>/readyz`'s status, or 0 when the connection fails. */
export function readyStatus(role: RoleProcess): Promise<number> {
  return fetch(`${role.url}/readyz`, { signal: AbortSignal.timeout(5000) }).then(
    (response) => response.status,
    () => 0,
  );
}

/** SIGKILLs every role process a test started and has not seen exit (for afterEach). */
export async function killStartedRoles(): Promise<void> {
  const left = [...started];
  for (const role of left) role.child.kill('SIGKILL');
  await Promise.all(left.map((role) => role.exit));
}

import type { ChildProcess } from 'node:child_process';
import { type Role, spawnRole } from '@hookline/e2e/harness';
import { freePort, sleep } from './ports.js';

export type { Role };

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
  /** Its error lines and the last lines it wrote (stdout and stderr), for failure messages. */
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

/** Every role process started since the last clean-up. */
const started = new Set<RoleProcess>();

const OUTPUT_KEPT = 16_000;

/** pino's error and fatal lines, and anything not from pino (a stack trace): kept even when the tail has moved on. */
const NOTABLE = /^(?!\{)|"level":(50|60)/;

/**
 * Spawns a role's real entrypoint with the environment a deployment would give it, and
 * resolves once its `/healthz` answers.
 */
export async function startRole(role: Role, options: RoleOptions): Promise<RoleProcess> {
  const port = await freePort();
  const child = spawnRole(
    role,
    {
      PORT: String(port),
      HOST: '127.0.0.1',
      REDIS_URL: options.redisUrl,
      HOOKLINE_QUEUE_PREFIX: options.prefix,
      ...(options.databaseUrl !== undefined && { DATABASE_URL: options.databaseUrl }),
      ...options.env,
    },
    options.sourcesPath,
    'pipe',
  );
  let tail = '';
  let notable = '';
  const keep = (chunk: Buffer) => {
    const text = chunk.toString();
    tail = (tail + text).slice(-OUTPUT_KEPT);
    const lines = text.split('\n').filter((line) => line !== '' && NOTABLE.test(line));
    if (lines.length > 0) notable = `${notable}${lines.join('\n')}\n`.slice(-OUTPUT_KEPT);
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
    output: () => `errors:\n${notable}\nlast lines:\n${tail}`,
  };
  started.add(running);

  const deadline = Date.now() + 30_000;
  for (;;) {
    if (!running.isRunning()) throw new Error(`${role} exited during start-up:\n${running.output()}`);
    if (Date.now() > deadline) throw new Error(`${role} did not answer /healthz within 30 s:\n${running.output()}`);
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

/**
 * For afterEach: SIGKILLs every role process the test started that is still running and,
 * after a failed test, prints what each one wrote (the logs a CI failure needs).
 */
export async function cleanUpRoles(testFailed: boolean): Promise<void> {
  const roles = [...started];
  started.clear();
  for (const role of roles) if (role.isRunning()) role.child.kill('SIGKILL');
  await Promise.all(roles.map((role) => role.exit));
  if (testFailed) {
    for (const role of roles) console.error(`--- ${role.role} on port ${role.port}: its last output ---\n${role.output()}`);
  }
}

import { onShutdown, runMain, type Shutdown } from './lifecycle.js';
import type { Logger } from './logger.js';

/**
 * A running process's part (ingester, worker, admin), created by its composition root with
 * every connection it owns. `main.ts`, the end-to-end and fault tests and the benchmark all
 * create roles the same way, so what they run is what is deployed.
 */
export interface Role {
  /** Longest `close` may take on SIGTERM before the process exits anyway. */
  readonly graceMs: number;
  /** Starts serving. `shutdown` lets the role stop itself (Redis found unsafe, say). */
  start(shutdown: Shutdown): Promise<void>;
  /** Stops in the role's order; safe to call more than once. */
  close(): Promise<void>;
}

/** A process's whole life: create the role, close it on SIGTERM/SIGINT, start it. */
export function runRole(name: string, env: NodeJS.ProcessEnv, create: (log: Logger) => Promise<Role>): Promise<void> {
  return runMain(name, env, async (log) => {
    const role = await create(log);
    const shutdown = onShutdown(log, role.graceMs, () => role.close());
    await role.start(shutdown);
  });
}

export type CloseStep = readonly [name: string, close: () => Promise<unknown> | unknown];

/**
 * Runs a role's close steps one after another, each logged at debug level as it ends: the
 * order is the point (stop taking work, finish it, then its database, then Redis). A step
 * that fails does not stop the later ones from closing; the first failure is rethrown.
 * Returns a function that runs the steps once, however often it is called.
 */
export function closeInOrder(log: Logger, steps: readonly CloseStep[]): () => Promise<void> {
  let closing: Promise<void> | undefined;
  async function run(): Promise<void> {
    let failure: unknown;
    for (const [name, close] of steps) {
      try {
        await close();
        log.debug({ step: name }, 'closed');
      } catch (error) {
        log.warn({ step: name, err: (error as Error).message }, 'close step failed');
        failure ??= error;
      }
    }
    if (failure !== undefined) throw failure;
  }
  return () => {
    closing ??= run();
    return closing;
  };
}

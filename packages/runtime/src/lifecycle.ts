import closeWithGrace from 'close-with-grace';
import { ConfigError } from './config-error.js';
import { createLogger, type Logger } from './logger.js';
import { refuseShippedSecrets } from './shipped-secrets.js';

/**
 * Runs a role's start-up. A ConfigError stops the process with exit code 1 and the
 * message that names each bad field; nothing is left half-started. In production no role
 * starts with a secret this repository ships (checked first, before any connection opens).
 */
export async function runMain(name: string, env: NodeJS.ProcessEnv, main: (log: Logger) => Promise<void>): Promise<void> {
  const log = createLogger({ name, level: env.LOG_LEVEL ?? 'info' });
  try {
    refuseShippedSecrets(env);
    await main(log);
  } catch (error) {
    if (error instanceof ConfigError) {
      log.fatal({ problems: error.problems }, error.message);
    } else {
      log.fatal({ err: error }, 'start-up failed');
    }
    process.exitCode = 1;
    // Connections opened before the failure must not keep the process alive.
    setTimeout(() => process.exit(1), 100).unref();
  }
}

/** A running role's way to stop itself: the same graceful close, then exit code 1. */
export interface Shutdown {
  abort(reason: Error): void;
}

/**
 * On SIGTERM/SIGINT runs `close` once, bounded by `graceMs`; a second signal or the
 * deadline exits at once. Exit code 0 when the close finished cleanly, 1 after `abort`.
 */
export function onShutdown(log: Logger, graceMs: number, close: () => Promise<void>): Shutdown {
  let aborted: Error | undefined;
  const handle = closeWithGrace(
    { delay: graceMs, logger: { error: (message: unknown) => log.error({ err: message }, 'shutdown') } },
    async ({ signal, err }) => {
      if (err) log.error({ err }, 'fatal error, shutting down');
      else if (aborted) log.fatal({ reason: aborted.message }, 'stopping');
      else log.info({ signal }, 'shutting down');
      await close();
      // close-with-grace exits 1 when this throws: the role did not stop by request.
      if (aborted) throw aborted;
      log.info('shut down cleanly');
    },
  );
  return {
    abort(reason) {
      aborted ??= reason;
      void handle.close();
    },
  };
}

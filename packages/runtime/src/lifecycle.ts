import closeWithGrace from 'close-with-grace';
import { ConfigError } from './config-error.js';
import { createLogger, type Logger } from './logger.js';

/**
 * Runs a role's start-up. A ConfigError stops the process with exit code 1 and the
 * message that names each bad field; nothing is left half-started.
 */
export async function runMain(name: string, env: NodeJS.ProcessEnv, main: (log: Logger) => Promise<void>): Promise<void> {
  const log = createLogger({ name, level: env.LOG_LEVEL ?? 'info' });
  try {
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

/**
 * On SIGTERM/SIGINT runs `close` once, bounded by `graceMs`; a second signal or the
 * deadline exits at once. Exit code 0 when the close finished cleanly.
 */
export function onShutdown(log: Logger, graceMs: number, close: () => Promise<void>): void {
  closeWithGrace(
    { delay: graceMs, logger: { error: (message: unknown) => log.error({ err: message }, 'shutdown') } },
    async ({ signal, err }) => {
      if (err) log.error({ err }, 'fatal error, shutting down');
      else log.info({ signal }, 'shutting down');
      await close();
      log.info('shut down cleanly');
    },
  );
}

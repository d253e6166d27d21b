import type { FastifyInstance } from 'fastify';

/**
 * While `close()` waits for in-flight requests, ends each keep-alive connection as soon as it
 * falls idle. Node's `server.close()` only ends the connections idle at that moment: one busy
 * with a delivery would stay open after answering it, until its keep-alive timeout (72 s), and
 * hold the close, and the process, past the shutdown grace period. A `Connection: close` on
 * those responses would not do: it drops a request pipelined behind them, unanswered.
 */
export function closeIdleConnectionsWhileClosing(app: FastifyInstance, everyMs = 50): void {
  let timer: NodeJS.Timeout | undefined;
  app.addHook('preClose', (done) => {
    timer = setInterval(() => app.server.closeIdleConnections(), everyMs).unref();
    done();
  });
  // Runs once the server has closed: every connection is gone.
  app.addHook('onClose', (_instance, done) => {
    clearInterval(timer);
    done();
  });
}

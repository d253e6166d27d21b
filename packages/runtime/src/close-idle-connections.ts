import type { FastifyInstance } from 'fastify';

/**
 * While `close()` waits for in-flight requests, ends each keep-alive connection as soon as it
 * falls idle. Node's `server.close()` only ends the connections idle at that moment: one still
 * receiving a request (a delivery's body) stays open after its answer until the keep-alive
 * timeout (72 s), holding the close, and the process, past its shutdown grace period. A
 * `Connection: close` on those answers would not do: it drops a request pipelined behind
 * them, unanswered.
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

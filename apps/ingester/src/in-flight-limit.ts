import { HttpError, RETRY_AFTER_SECONDS } from '@hookline/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Gauge } from 'prom-client';

/**
 * An `onRequest` hook admitting at most `max` deliveries at a time. Past it a delivery is
 * answered 503 `overloaded` with `Retry-After` at once, before its body is read: under a burst
 * beyond what the process can verify and enqueue, waiting in a socket only grows every
 * sender's latency until they all time out and retry, adding load. A shed delivery was never
 * acknowledged, so nothing answered 200 is lost; the sender's retry finds room later.
 */
export function inFlightLimit(
  max: number,
  gauge: Pick<Gauge, 'set'>,
): (request: FastifyRequest, reply: FastifyReply) => Promise<void> {
  let inFlight = 0;
  return async (_request, reply) => {
    if (inFlight >= max) {
      throw new HttpError(503, 'overloaded', `more than ${max} deliveries in progress; retry later`, {
        retryAfterSeconds: RETRY_AFTER_SECONDS,
      });
    }
    gauge.set(++inFlight);
    // `close` fires once, whether the answer was sent or the sender went away mid-request.
    reply.raw.once('close', () => {
      gauge.set(--inFlight);
    });
  };
}

import { RETRY_AFTER_SECONDS } from '@hookline/core';
import { type ContractError, errorBody } from '@hookline/runtime';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Gauge } from 'prom-client';

/** 503 `overloaded` with `Retry-After`: the delivery was not taken, the sender should retry. */
export function overloadedError(message: string): ContractError {
  return { statusCode: 503, code: 'overloaded', message, retryAfterSeconds: RETRY_AFTER_SECONDS };
}

/**
 * Readies a shed answer — its outcome for the metrics, the status and `Retry-After` — and
 * returns its body, for the two ways a delivery is shed (in-flight limit, event-loop lag).
 */
export function shedAnswer(request: FastifyRequest, reply: FastifyReply, error: ContractError) {
  request.outcome = error.code;
  reply.status(error.statusCode).header('retry-after', String(error.retryAfterSeconds));
  return errorBody(error.code, error.message);
}

/**
 * An `onRequest` hook admitting at most `max` deliveries at a time. Past it a delivery is
 * answered 503 `overloaded` with `Retry-After` at once, before its body is read: under a burst
 * beyond what the process can verify and enqueue, waiting in a socket only grows every
 * sender's latency until they all time out and retry, adding load. A shed delivery was never
 * acknowledged, so nothing answered 200 is lost; the sender's retry finds room later.
 * Answered here, not thrown: the error handler logs every 5xx, and a shed answer must cost as
 * little as possible, or shedding would eat the capacity it protects.
 */
export function inFlightLimit(
  max: number,
  gauge: Pick<Gauge, 'set'>,
): (request: FastifyRequest, reply: FastifyReply) => Promise<void> {
  let inFlight = 0;
  const overloaded = overloadedError(`more than ${max} deliveries in progress; retry later`);
  return async (request, reply) => {
    if (inFlight >= max) return reply.send(shedAnswer(request, reply, overloaded));
    gauge.set(++inFlight);
    // `close` fires once, whether the answer was sent or the sender went away mid-request.
    reply.raw.once('close', () => {
      gauge.set(--inFlight);
    });
  };
}

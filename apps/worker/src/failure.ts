import { HandlerError } from './handlers/handler-error.js';

/**
 * SQLSTATE classes for data that can never be stored as sent: 22 data exception, 23 constraint,
 * 54 program limit exceeded (a body too deeply nested for jsonb, should one pass the edge).
 */
const PERMANENT_CLASSES = ['22', '23', '54'];

/** Error codes of postgres.js and Node's sockets that mean the database could not be reached. */
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'CONNECT_TIMEOUT',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
]);

/** SQLSTATEs of a server that is going away, starting up, or full: 57P01–57P03, 53300. */
const UNAVAILABLE_STATES = new Set(['57P01', '57P02', '57P03', '53300']);

/** The error and what it wraps, outermost first: the query builder wraps the driver's error. */
function chainOf(error: unknown): Error[] {
  const chain: Error[] = [];
  for (let current = error; current instanceof Error; current = current.cause) chain.push(current);
  return chain;
}

/** Every `code` along the chain: SQLSTATEs, postgres.js and socket error codes. */
function codesOf(error: unknown): string[] {
  return chainOf(error).flatMap((link) => {
    const code = (link as { code?: unknown }).code;
    return typeof code === 'string' ? [code] : [];
  });
}

function sqlState(error: unknown): string | undefined {
  return codesOf(error).find((code) => /^[0-9A-Z]{5}$/.test(code));
}

/**
 * True when retrying cannot help: the event itself is what Postgres refuses, or a handler
 * said so with PermanentError. Any other handler error is retried, whatever it wraps: a
 * constraint its own tables enforce may well pass once another event has arrived.
 */
export function isPermanentFailure(error: unknown): boolean {
  if (error instanceof HandlerError) return error.permanent;
  const state = sqlState(error);
  return state !== undefined && PERMANENT_CLASSES.includes(state.slice(0, 2));
}

/**
 * True when Postgres could not be reached or is going away: nothing about the event, so
 * waiting for the database must not use up the event's attempts.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  // A handler's own failure (its fetch refused, say) is the handler's, whatever it wraps: it
  // uses attempts like any other, or an event could wait forever on someone else's server.
  if (error instanceof HandlerError) return false;
  return codesOf(error).some((code) => UNREACHABLE_CODES.has(code) || UNAVAILABLE_STATES.has(code) || code.startsWith('08'));
}

/** The innermost message, which for a database error is Postgres's own words; a handler's is named for it. */
export function failureMessage(error: unknown): string {
  if (error instanceof HandlerError) return error.message.slice(0, 2000);
  const innermost = chainOf(error).at(-1);
  return (innermost?.message ?? String(error)).slice(0, 2000);
}

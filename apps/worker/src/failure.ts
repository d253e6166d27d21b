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

function sqlState(error: unknown): string | undefined {
  for (let current = error; current instanceof Error; current = current.cause) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
  }
  return undefined;
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
  for (let current = error; current instanceof Error; current = current.cause) {
    const code = (current as { code?: unknown }).code;
    if (typeof code !== 'string') continue;
    if (UNREACHABLE_CODES.has(code) || UNAVAILABLE_STATES.has(code) || code.startsWith('08')) return true;
  }
  return false;
}

/** The innermost message, which for a database error is Postgres's own words; a handler's is named for it. */
export function failureMessage(error: unknown): string {
  if (error instanceof HandlerError) return error.message.slice(0, 2000);
  let message = error instanceof Error ? error.message : String(error);
  for (let current = error; current instanceof Error; current = current.cause) message = current.message;
  return message.slice(0, 2000);
}

const PERMANENT = Symbol.for('hookline.permanent-error');

/**
 * Thrown by a handler when retrying cannot help (the event is invalid for it): the attempt
 * rolls back and the event fails at once, kept in the failed set with this message.
 */
export class PermanentError extends Error {
  readonly [PERMANENT] = true;

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** True for a PermanentError from any copy of this package (the brand is a registered symbol). */
export function isPermanentError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[PERMANENT] === true;
}

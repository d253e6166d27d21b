/** Seconds a client is asked to wait (`Retry-After`) when the service cannot take a request now. */
export const RETRY_AFTER_SECONDS = 5;

/**
 * An error the HTTP layer answers with its own status and the contract's error code:
 * `{"error":{"code","message"}}`. The message is sent as it is, so it never holds a secret.
 */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    options?: ErrorOptions & { readonly retryAfterSeconds?: number },
  ) {
    super(message, options);
    this.name = new.target.name;
    this.retryAfterSeconds = options?.retryAfterSeconds;
  }

  /** Sent as `Retry-After` when set. */
  readonly retryAfterSeconds: number | undefined;
}

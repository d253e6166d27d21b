/** A handler threw: the attempt rolled back. Retried unless the handler threw PermanentError. */
export class HandlerError extends Error {
  constructor(
    message: string,
    readonly permanent: boolean,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Input a user gave that cannot be used (unknown port, bad month, ...). Maps to exit code 2 / HTTP 400. */
export class InputError extends Error {
  override name = "InputError";
  constructor(
    message: string,
    readonly hint?: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** Something the user asked for does not exist (unknown port). Maps to exit code 2 / HTTP 404. */
export class NotFoundError extends InputError {
  override name = "NotFoundError";
}

/** Source data that cannot be accepted (bad header, truncated file, rejected rows). Nothing was stored. */
export class DataError extends Error {
  override name = "DataError";
  constructor(
    message: string,
    readonly details: string[] = [],
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** The store could not be opened or written (locked, missing snapshot, ...). */
export class StoreError extends Error {
  override name = "StoreError";
}

/**
 * The service cannot take the request now (its queue is full, a run hit its time limit, the database file is
 * damaged). HTTP 503, with Retry-After when waiting helps.
 */
export class UnavailableError extends Error {
  override name = "UnavailableError";
  constructor(
    message: string,
    readonly hint?: string,
    /** Seconds after which the same request may succeed; none when waiting will not help. */
    readonly retryAfterSeconds?: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** A request that is valid but asks for more work than the service allows (HTTP 422, with a hint). */
export class TooCostlyError extends InputError {
  override name = "TooCostlyError";
}

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

/**
 * The errors of a shared session store (--store redis://), apart from its client so that the pipeline can tell
 * them without loading a Redis client into processes that use none.
 */

/** `--store` is malformed, or its Redis cannot be reached at start: one line naming the flag and the fix. */
export class StoreError extends Error {}

/**
 * The store did not answer while serving a request. `inDoubt`: a commit had been sent when the connection failed,
 * so it may have been written (Redis ran it, the answer was lost); otherwise nothing was sent and nothing changed.
 */
export class StoreUnavailableError extends Error {
  constructor(
    message: string,
    readonly inDoubt = false,
  ) {
    super(message);
  }
}

/** The session changed in the store since this request's view of it was loaded: the request must run again. */
export class StateConflict extends Error {
  constructor(readonly session: string) {
    super(`session "${session}" was changed by another request while this one ran`);
  }
}

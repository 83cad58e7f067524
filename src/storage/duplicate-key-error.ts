// DuplicateKeyError: the one error storage throws for a unique or primary-key violation, on every dialect.

/**
 * A write hit a unique constraint. Stores let it propagate and handlers translate it into the
 * service's own error (`EntityAlreadyExists`, `AlreadyExistsException`, ...).
 *
 * On PostgreSQL a failed statement aborts the surrounding transaction; to carry on after a
 * duplicate, run the write in a nested `database.transaction(...)` (a savepoint), which behaves
 * the same on both dialects.
 */
export class DuplicateKeyError extends Error {
  constructor(
    message: string,
    /** The violated constraint or columns, as the driver names them, when it says. */
    readonly constraint: string | undefined,
    options: { cause: unknown },
  ) {
    super(message, options)
    this.name = 'DuplicateKeyError'
  }
}

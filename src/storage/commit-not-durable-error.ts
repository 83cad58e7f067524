// CommitNotDurableError: a write committed (others can read it) but the sync that was to make it durable failed.

/**
 * The database accepted the commit, so it is visible and the effects of a commit (cache notices) must follow it; but
 * the sync of the log failed (an I/O error), so a power loss could still take it. The caller is told: the write's
 * outcome is not the success it asked for.
 */
export class CommitNotDurableError extends Error {
  constructor(cause: unknown) {
    super(`the write committed, but syncing the database log to disk failed: ${(cause as Error)?.message ?? String(cause)}`, { cause })
    this.name = 'CommitNotDurableError'
  }
}

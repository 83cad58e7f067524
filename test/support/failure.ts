// failure: the error an SDK call ends with, as a test asserts it (code, HTTP status, message).

export interface CallFailure {
  readonly name: string
  readonly status: number | undefined
  readonly message: string
}

/** Awaits `promise` and returns how it failed; fails the test when the call succeeded. */
export async function failure(promise: Promise<unknown>): Promise<CallFailure> {
  try {
    await promise
  } catch (error) {
    const e = error as { name: string; message: string; $metadata?: { httpStatusCode?: number } }
    return { name: e.name, status: e.$metadata?.httpStatusCode, message: e.message }
  }
  throw new Error('expected the call to fail')
}

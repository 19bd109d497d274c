import { CallportError } from '@callport/core'

/** The CallportError `promise` rejects with; fails the test when it resolves or rejects with anything else. */
export async function rejection(promise: Promise<unknown>): Promise<CallportError> {
  const error = await promise.then(
    () => undefined,
    (failure: unknown) => failure,
  )
  if (!CallportError.isInstance(error)) throw new Error(`expected a CallportError, got ${String(error)}`)
  return error
}

import { CallportError } from '@callport/core'
import { assert } from 'vitest'

/** The CallportError `promise` rejects with; fails the test when it resolves or rejects with anything else. */
export async function rejection(promise: Promise<unknown>): Promise<CallportError> {
  const error = await promise.then(
    () => assert.fail('expected a rejection, but it resolved'),
    (failure: unknown) => failure,
  )
  assert(CallportError.isInstance(error), `expected a CallportError, got ${String(error)}`)
  return error
}

import { sleep, toCallportError, type CallportError } from '@callport/core'
import { backoffDelay, type BackoffOptions } from './backoff'

export interface RetryOptions extends BackoffOptions {
  /** How many attempts at most (at least 1). */
  maximumAttempts: number
  signal: AbortSignal
  /** Called when an attempt is about to be made (before its backoff delay). */
  onAttempt?: (attempt: number) => void
}

/**
 * Runs `task` until it succeeds, waiting a backoff delay before each attempt. Stops early on an error
 * that is not `retryable` (or once `signal` fires) and rethrows the last error.
 */
export async function retryWithBackoff<T>(task: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  let lastError: unknown
  for (let attempt = 1; attempt <= options.maximumAttempts; attempt++) {
    options.onAttempt?.(attempt)
    await sleep(backoffDelay(attempt, options), options.signal)
    try {
      return await task(attempt)
    } catch (error) {
      lastError = toCallportError(error)
      if (!(lastError as CallportError).retryable || options.signal.aborted) break
    }
  }
  throw lastError
}

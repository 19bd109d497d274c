import { CallportError } from '@callport/core'
import { VIDYO_PROVIDER } from '../shared/provider-id'

export const abortedError = (signal: AbortSignal): CallportError =>
  new CallportError('ABORTED', 'The operation was aborted', { provider: VIDYO_PROVIDER, cause: signal.reason })

/** Settles like `promise`, or rejects with ABORTED as soon as `signal` fires (the work itself goes on). */
export function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return promise
  if (signal.aborted) return Promise.reject(abortedError(signal))
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(abortedError(signal))
    signal.addEventListener('abort', onAbort, { once: true })
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort))
  })
}

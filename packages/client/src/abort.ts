import { CallportError } from '@callport/core'

/** The ABORTED error of an operation cancelled through `signal`. */
export function abortedError(signal?: AbortSignal): CallportError {
  return new CallportError('ABORTED', 'The operation was aborted', { cause: signal?.reason })
}

/**
 * Settles like `task`, but rejects with ABORTED as soon as `signal` fires, for tasks that ignore it.
 * A value that arrives after the abort is handed to `discard` (for example, to close a late connection).
 */
export function raceAbort<T>(task: Promise<T>, signal: AbortSignal, discard?: (value: T) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortedError(signal))
    if (signal.aborted) onAbort()
    else signal.addEventListener('abort', onAbort, { once: true })
    task.then(
      (value) => {
        signal.removeEventListener('abort', onAbort)
        if (signal.aborted) discard?.(value)
        else resolve(value)
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort)
        reject(error)
      },
    )
  })
}

/** Resolves after `milliseconds`; rejects with ABORTED (and clears the timer) when `signal` fires first. */
export function sleep(milliseconds: number, signal: AbortSignal): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined
  return raceAbort(
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, milliseconds)
    }),
    signal,
  ).finally(() => clearTimeout(timer))
}

/** Aborts `target` when `source` aborts; returns a function that undoes the link. */
export function linkSignal(source: AbortSignal | undefined, target: AbortController): () => void {
  const forward = () => target.abort(source?.reason)
  source?.addEventListener('abort', forward, { once: true })
  return () => source?.removeEventListener('abort', forward)
}

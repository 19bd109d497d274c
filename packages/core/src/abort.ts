import { CallportError } from './errors'

/** The ABORTED error of an operation cancelled through `signal`, naming the provider when there is one. */
export function abortedError(signal?: AbortSignal, provider?: string): CallportError {
  return new CallportError('ABORTED', 'The operation was aborted', { cause: signal?.reason, provider })
}

/**
 * Settles like `task`, but rejects with ABORTED as soon as `signal` fires, for tasks that ignore it
 * (the work itself goes on). A value that arrives after the abort is handed to `discard` (for
 * example, to close a late connection). Without a signal, `task` is returned as it is.
 */
export function raceAbort<T>(task: Promise<T>, signal: AbortSignal | undefined, discard?: (value: T) => void, provider?: string): Promise<T> {
  if (signal === undefined) return task
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(abortedError(signal, provider))
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
export function sleep(milliseconds: number, signal?: AbortSignal): Promise<void> {
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
  if (source?.aborted) {
    target.abort(source.reason)
    return () => undefined
  }
  const forward = (): void => target.abort(source?.reason)
  source?.addEventListener('abort', forward, { once: true })
  return () => source?.removeEventListener('abort', forward)
}

import { CallportError } from '@callport/core'

/** Refuses the first option of `given` that is not `known`, by name (INVALID_INPUT). */
export function refuseUnknown(given: object, known: readonly string[], subject: string): void {
  for (const key in given) if (!known.includes(key)) throw new CallportError('INVALID_INPUT', `${subject}: unknown option "${key}" (known: ${known.join(', ')})`)
}

/**
 * Runs `poll` every `interval` milliseconds, the next run timed from the end of the previous one (a slow
 * `getStats` never overlaps itself). A failed run is skipped. `running()` turns false at `stop`: a run checks it
 * after its awaits so that nothing is reported after `stop`. Returns `stop`.
 */
export function startPolling(poll: (running: () => boolean) => Promise<void>, interval: number): () => void {
  let stopped = false
  let timer: ReturnType<typeof setTimeout> | undefined
  const schedule = (): void => {
    timer = setTimeout(() => {
      poll(() => !stopped)
        .catch(() => undefined)
        .finally(() => {
          if (!stopped) schedule()
        })
    }, interval)
  }
  schedule()
  return () => {
    stopped = true
    clearTimeout(timer)
  }
}

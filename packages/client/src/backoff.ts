/** Bounds of an exponential backoff. */
export interface BackoffOptions {
  /** Delay before the first attempt, in milliseconds; it doubles with each attempt. */
  initialDelayMs: number
  /** Longest delay, in milliseconds. */
  maxDelayMs: number
}

/**
 * Delay before attempt `attempt` (1 for the first): `initialDelayMs` doubled per attempt, capped at
 * `maxDelayMs`, with "equal jitter" — a random point between half of that ceiling and all of it, so
 * that many clients dropped at once do not come back in step.
 */
export function backoffDelay(attempt: number, options: BackoffOptions, random: () => number = Math.random): number {
  const ceiling = Math.min(options.maxDelayMs, options.initialDelayMs * 2 ** (attempt - 1))
  return (ceiling / 2) * (1 + random())
}

/** Bounds of an exponential backoff. */
export interface BackoffOptions {
  /** Delay before the first attempt, in milliseconds; it doubles with each attempt. */
  initialDelay: number
  /** Longest delay, in milliseconds. */
  maximumDelay: number
}

/**
 * Delay before attempt `attempt` (1 for the first): `initialDelay` doubled per attempt, capped at
 * `maximumDelay`, with "equal jitter" — a random point between half of that ceiling and all of it,
 * so that many clients dropped at once do not come back in step.
 */
export function backoffDelay(attempt: number, options: BackoffOptions, random: () => number = Math.random): number {
  const ceiling = Math.min(options.maximumDelay, options.initialDelay * 2 ** (attempt - 1))
  return (ceiling / 2) * (1 + random())
}

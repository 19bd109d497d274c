import { toCallportError, type Token } from '@callport/core'
import { backoffDelay, type BackoffOptions } from './backoff'

/** The least time before expiry at which the default lead refreshes a token. */
export const MINIMUM_REFRESH_LEAD_SECONDS = 30

/** Longest delay `setTimeout` honours (about 24.8 days); longer waits are made in steps. */
const LONGEST_TIMER_MS = 2 ** 31 - 1

/**
 * How long before expiry to refresh: `leadSeconds` when given (never below zero), otherwise 10% of
 * the token's lifetime (measured from when it was received) but at least 30 s.
 */
export function refreshLeadMs(lifetimeMs: number, leadSeconds?: number): number {
  return leadSeconds === undefined ? Math.max(lifetimeMs / 10, MINIMUM_REFRESH_LEAD_SECONDS * 1000) : Math.max(0, leadSeconds * 1000)
}

/** Milliseconds from `now` until `token` should be refreshed; 0 when already inside the lead. */
export function refreshDelayMs(token: Token, receivedAt: number, now: number, leadSeconds?: number): number {
  const expiresAt = Date.parse(token.expiresAt)
  return Math.max(0, expiresAt - refreshLeadMs(expiresAt - receivedAt, leadSeconds) - now)
}

export interface TokenRefresherOptions {
  /** Fetches a fresh token and puts it to use; `handOver` is false when the adapter asked for it itself. */
  refresh: (handOver: boolean) => Promise<Token>
  leadSeconds: number | undefined
  /** Delays between retries of a failed refresh (and between refreshes that keep landing inside the lead). */
  backoff: BackoffOptions
}

export interface TokenRefresher {
  /** (Re)arms the timer for `token`, received at `receivedAt`. */
  schedule(token: Token, receivedAt: number): void
  /** Refreshes now (joining a refresh already under way) and re-arms the timer for the new token. */
  refreshNow(handOver?: boolean): Promise<Token>
  /** Cancels the timer and any retry; a refresh under way no longer re-arms it. */
  stop(): void
}

/**
 * Keeps a session's token fresh. A failed refresh is retried with backoff while it is retryable; it
 * never ends the call by itself. When the token source keeps answering tokens that are already
 * inside the lead, refreshes are spaced by the same backoff instead of running back to back.
 */
export function createTokenRefresher(options: TokenRefresherOptions): TokenRefresher {
  let timer: ReturnType<typeof setTimeout> | undefined
  let epoch = 0
  let failures = 0
  let tooSoon = 0
  let inFlight: Promise<Token> | undefined

  const arm = (delayMs: number) => {
    clearTimeout(timer)
    const dueAt = Date.now() + delayMs
    const tick = () => {
      const remaining = dueAt - Date.now()
      if (remaining > 0) timer = setTimeout(tick, Math.min(remaining, LONGEST_TIMER_MS))
      else refreshNow().catch(() => {})
    }
    tick()
  }

  const plan = (token: Token, receivedAt: number, afterRefresh: boolean) => {
    const delay = refreshDelayMs(token, receivedAt, Date.now(), options.leadSeconds)
    tooSoon = afterRefresh && delay === 0 ? tooSoon + 1 : 0
    arm(tooSoon > 0 ? backoffDelay(tooSoon, options.backoff) : delay)
  }

  const refreshNow = (handOver = true): Promise<Token> => {
    if (inFlight) return inFlight
    clearTimeout(timer)
    const started = epoch
    const current: Promise<Token> = options.refresh(handOver).then(
      (token) => {
        failures = 0
        if (started === epoch) plan(token, Date.now(), true)
        return token
      },
      (error: unknown) => {
        const failure = toCallportError(error)
        if (started === epoch && failure.retryable) arm(backoffDelay(++failures, options.backoff))
        throw failure
      },
    )
    inFlight = current
    void current
      .catch(() => {})
      .finally(() => {
        if (inFlight === current) inFlight = undefined
      })
    return current
  }

  return {
    schedule: (token, receivedAt) => plan(token, receivedAt, false),
    refreshNow,
    stop: () => {
      epoch++
      clearTimeout(timer)
      inFlight = undefined
      failures = 0
    },
  }
}

/** What the limiter decided about one message. */
export type RateDecision = 'accepted' | 'limited' | 'kick'

export interface RateLimiterSettings {
  messagesPerSecond: number
  messageBurst: number
  /** Limited messages within `windowMs` after which the decision becomes `kick`. */
  rejectedMessagesBeforeKick: number
  windowMs: number
}

export interface RateLimiter {
  take(now?: number): RateDecision
  /** Counts a message another budget refused towards the kick; `limited` or `kick`. */
  reject(now?: number): Exclude<RateDecision, 'accepted'>
}

/**
 * A token bucket per socket (refills `messagesPerSecond`, holds `messageBurst`) that also counts the
 * messages it refused in a fixed window, so that sustained abuse ends the connection.
 */
export function createRateLimiter(settings: RateLimiterSettings, start: number = Date.now()): RateLimiter {
  let tokens = settings.messageBurst
  let refilledAt = start
  let windowStart = start
  let rejected = 0

  const reject = (now: number): Exclude<RateDecision, 'accepted'> => {
    if (now - windowStart >= settings.windowMs) {
      windowStart = now
      rejected = 0
    }
    rejected += 1
    return rejected >= settings.rejectedMessagesBeforeKick ? 'kick' : 'limited'
  }

  return {
    take(now = Date.now()) {
      const elapsed = now - refilledAt
      if (elapsed > 0) {
        tokens = Math.min(settings.messageBurst, tokens + (elapsed / 1000) * settings.messagesPerSecond)
        refilledAt = now
      }
      if (tokens >= 1) {
        tokens -= 1
        return 'accepted'
      }
      return reject(now)
    },
    reject: (now = Date.now()) => reject(now),
  }
}

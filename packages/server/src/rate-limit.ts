import { CallportError } from '@callport/core'
import * as z from 'zod/mini'
import type { Logger } from './logger'

/** At most `limit` requests per `windowSeconds`, counted in fixed windows. */
export interface RateLimit {
  /** Requests allowed per window: a whole number, at least 1. */
  limit: number
  /** The window, in seconds: a whole number, at least 1. */
  windowSeconds: number
}

/**
 * Counts requests in fixed windows. `hit` adds one to `key`'s counter, starting a window of
 * `windowMilliseconds` on the first hit, and answers the count so far in this window and the
 * milliseconds until it ends. Give every app-server process the same shared store
 * (`createRedisRateLimitStore` from `@callport/server/redis`) so that a limit holds across them.
 */
export interface RateLimitStore {
  hit(key: string, windowMilliseconds: number): Promise<{ count: number; resetAfter: number }>
  /** Releases connections the store holds (optional). */
  close?(): Promise<void>
}

/**
 * `createCallServer({ rateLimits })`: limits that keep one identity from hurting others. Each limit is
 * `{ limit, windowSeconds }`, or `false` to turn it off; `rateLimits: false` turns them all off. A
 * request over a limit is refused with 429 RATE_LIMITED and `Retry-After`.
 */
export interface RateLimitsOptions {
  /** Joins and tokens issued (`POST /join`, `POST /rooms/:room/tokens`, `calls.join`, `calls.issueToken`) per identity. Default 30 per 60 s. */
  joins?: RateLimit | false
  /** Invites created per caller identity. Default 10 per 60 s. */
  invites?: RateLimit | false
  /**
   * Invites ringing one callee, from any caller, in any room: what bounds how often the app's notifier
   * rings one person. Default 5 per 60 s.
   */
  invitesPerCallee?: RateLimit | false
  /** Invites into one room, from any caller. Default 30 per 60 s. */
  invitesPerRoom?: RateLimit | false
  /**
   * Moderation requests (list, remove, mute, close) per acting identity, over HTTP and programmatic calls
   * that name an `actor`. Default 60 per 60 s.
   */
  moderation?: RateLimit | false
  /**
   * Where the counters are kept. Default: this process's memory. With several app-server processes, give
   * each the same `createRedisRateLimitStore(…)`, or each process counts on its own.
   */
  store?: RateLimitStore
}

export type RateLimitName = 'joins' | 'invites' | 'invitesPerCallee' | 'invitesPerRoom' | 'moderation'

export const defaultRateLimits: Readonly<Record<RateLimitName, RateLimit>> = {
  joins: { limit: 30, windowSeconds: 60 },
  invites: { limit: 10, windowSeconds: 60 },
  invitesPerCallee: { limit: 5, windowSeconds: 60 },
  invitesPerRoom: { limit: 30, windowSeconds: 60 },
  moderation: { limit: 60, windowSeconds: 60 },
}

const rateLimitNames = Object.keys(defaultRateLimits) as RateLimitName[]

const RateLimitSchema = z.union(
  [
    z.literal(false),
    z.strictObject({
      limit: z.int().check(z.minimum(1)),
      windowSeconds: z.int().check(z.minimum(1), z.maximum(86_400)),
    }),
  ],
  { error: 'must be { limit, windowSeconds } (whole numbers: limit at least 1, windowSeconds from 1 to 86400) or false' },
)

const storeMethods = (value: unknown): boolean => typeof value === 'object' && value !== null && typeof (value as RateLimitStore).hit === 'function'

/** `rateLimits` when it is not `false`: unknown keys are refused. */
export const RateLimitsOptionsSchema = z.strictObject({
  joins: z.optional(RateLimitSchema),
  invites: z.optional(RateLimitSchema),
  invitesPerCallee: z.optional(RateLimitSchema),
  invitesPerRoom: z.optional(RateLimitSchema),
  moderation: z.optional(RateLimitSchema),
  store: z.optional(z.custom<RateLimitStore>(storeMethods, { error: 'must be a rate limit store: an object with a hit method' })),
})

/** The limits after validation. */
export interface RateLimitPolicy {
  limits: Partial<Record<RateLimitName, RateLimit>>
  store: RateLimitStore
}

export function resolveRateLimits(options: RateLimitsOptions | false | undefined): RateLimitPolicy | undefined {
  if (options === false) return undefined
  const given = options ?? {}
  const limits: Partial<Record<RateLimitName, RateLimit>> = {}
  for (const name of rateLimitNames) {
    const limit = given[name]
    if (limit === false) continue
    limits[name] = limit ?? defaultRateLimits[name]
  }
  return { limits, store: given.store ?? createMemoryRateLimitStore() }
}

/** How often, at most, the memory store sweeps ended windows out. */
const SWEEP_INTERVAL_MILLISECONDS = 60_000

/** The default RateLimitStore: fixed windows in this process's memory; ended windows are swept out on hits. */
export function createMemoryRateLimitStore(): RateLimitStore {
  const windows = new Map<string, { count: number; endsAt: number }>()
  let nextSweep = 0
  return {
    async hit(key, windowMilliseconds) {
      const now = Date.now()
      if (now >= nextSweep) {
        for (const [known, window] of windows) if (window.endsAt <= now) windows.delete(known)
        nextSweep = now + SWEEP_INTERVAL_MILLISECONDS
      }
      let window = windows.get(key)
      if (!window || window.endsAt <= now) {
        window = { count: 0, endsAt: now + windowMilliseconds }
        windows.set(key, window)
      }
      window.count += 1
      return { count: window.count, resetAfter: window.endsAt - now }
    },
  }
}

const describeLimit: Record<RateLimitName, string> = {
  joins: 'joins by this identity',
  invites: 'invites by this caller',
  invitesPerCallee: 'invites to this callee',
  invitesPerRoom: 'invites into this room',
  moderation: 'moderation requests by this identity',
}

/** Checks the limits; refuses with RATE_LIMITED and logs each hit. */
export interface RateLimiter {
  /** Counts one request against `name` for `subject` (an identity or a room); RATE_LIMITED over the limit. */
  check(name: RateLimitName, subject: string, context: Record<string, unknown>): Promise<void>
}

export function createRateLimiter(policy: RateLimitPolicy | undefined, logger: Logger): RateLimiter {
  return {
    async check(name, subject, context) {
      const limit = policy?.limits[name]
      if (!policy || !limit) return
      const windowMilliseconds = limit.windowSeconds * 1000
      let count: number
      let resetAfter: number
      try {
        ;({ count, resetAfter } = await policy.store.hit(`${name}:${subject}`, windowMilliseconds))
      } catch (error) {
        // A counter that cannot be read must not stop every call: the request goes ahead, and the outage is logged.
        logger.error({ event: 'rate-limit-store-failed', limit: name, ...context, err: error }, 'The rate limit store failed; the request was let through')
        return
      }
      if (count <= limit.limit) return
      const retryAfterSeconds = Math.max(1, Math.ceil(Math.min(resetAfter, windowMilliseconds) / 1000))
      logger.warn(
        { event: 'rate-limited', limit: name, ...context, count, maximum: limit.limit, windowSeconds: limit.windowSeconds, retryAfterSeconds },
        `Rate limited: more than ${limit.limit} ${describeLimit[name]} in ${limit.windowSeconds} s`,
      )
      throw new CallportError('RATE_LIMITED', `Too many ${describeLimit[name]}; try again in ${retryAfterSeconds} s`, {
        retryable: true,
        details: { retryAfterSeconds, limit: name },
      })
    },
  }
}

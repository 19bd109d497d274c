import { CallportError } from '@callport/core'
import { createClient } from 'redis'
import type { RateLimitStore } from './rate-limit'

/** The one Redis command the rate limit store uses; a node-redis v5 client fits. */
export interface RedisRateLimitStoreClient {
  /** `EVAL script numkeys key… arg…`, in node-redis v5 form. */
  eval(script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>
}

/** `createRedisRateLimitStore` options. Unknown options are refused (INVALID_INPUT). */
export type RedisRateLimitStoreOptions = {
  /** Prefix of every key. Default `callport:rate:`. */
  keyPrefix?: string
  /**
   * The longest one count may take, in milliseconds, connecting included; past it the count fails and
   * the call server lets the request through (logging `rate-limit-store-failed`). A whole number from 1
   * to 60000; default 1000.
   */
  timeout?: number
} & (
  | {
      /** Redis URL, such as `redis://127.0.0.1:6379`; the store opens the client (failing at once while disconnected) and `close()` closes it. */
      url: string
      client?: undefined
    }
  | {
      /** A client the app owns (connected, or connecting); `close()` leaves it open. */
      client: RedisRateLimitStoreClient
      url?: undefined
    }
)

const optionNames = ['keyPrefix', 'timeout', 'url', 'client']
const DEFAULT_TIMEOUT_MILLISECONDS = 1000

/** A fixed window: INCR, and PEXPIRE when the key has no expiry yet (the first hit, or a key left without one). */
const HIT_SCRIPT = `
-- KEYS[1]: the counter. ARGV[1]: the window, in ms.
local count = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {count, ttl}
`

function invalid(message: string): CallportError {
  return new CallportError('INVALID_INPUT', `createRedisRateLimitStore: ${message}`)
}

/**
 * A RateLimitStore in Redis, so that every app-server process using the same Redis and key prefix
 * counts against the same limits: one key per counter, incremented and given its window's expiry in
 * one Lua script (INCR + PEXPIRE), so a counter never outlives its window. When Redis cannot answer
 * within `timeout`, the call server lets the request through and logs `rate-limit-store-failed`.
 *
 * @example
 * createCallServer({ providers, authorize, rateLimits: { store: createRedisRateLimitStore({ url: process.env.REDIS_URL! }) } })
 */
export function createRedisRateLimitStore(options: RedisRateLimitStoreOptions): RateLimitStore {
  if (typeof options !== 'object' || options === null) throw invalid('give either url or client')
  const unknown = Object.keys(options).filter((key) => !optionNames.includes(key))
  if (unknown.length > 0) throw invalid(`unknown option ${unknown.map((key) => JSON.stringify(key)).join(', ')}; the options are ${optionNames.join(', ')}`)
  if ((options.url === undefined) === (options.client === undefined)) throw invalid('give either url or client')
  if (options.url !== undefined && (typeof options.url !== 'string' || options.url === '')) throw invalid('url must be a Redis URL')
  if (options.keyPrefix !== undefined && typeof options.keyPrefix !== 'string') throw invalid('keyPrefix must be a string')
  const timeout = options.timeout ?? DEFAULT_TIMEOUT_MILLISECONDS
  if (!Number.isInteger(timeout) || timeout < 1 || timeout > 60_000) throw invalid(`timeout must be a whole number of milliseconds from 1 to 60000; got ${String(timeout)}`)
  const keyPrefix = options.keyPrefix ?? 'callport:rate:'

  let client: RedisRateLimitStoreClient
  let close = async (): Promise<void> => {}
  let connect: () => Promise<void> = async () => {}
  if (options.client !== undefined) {
    client = options.client
  } else {
    const owned = createClient({
      url: options.url,
      disableOfflineQueue: true,
      socket: { connectTimeout: timeout, reconnectStrategy: (retries) => Math.min(50 * 2 ** retries, 1000) },
    })
    // Failed commands reject on their own; without a listener a connection error would crash the process.
    owned.on('error', () => {})
    client = owned
    let connecting: Promise<unknown> | undefined
    connect = async () => {
      if (owned.isReady) return
      connecting ??= owned.connect().catch(() => {
        connecting = undefined
      })
      await connecting
    }
    close = async () => {
      if (owned.isReady) await owned.close()
      else if (owned.isOpen) owned.destroy()
    }
  }

  async function count(key: string, window: string): Promise<unknown> {
    await connect()
    return client.eval(HIT_SCRIPT, { keys: [key], arguments: [window] })
  }

  return {
    async hit(key, windowMilliseconds) {
      const fullKey = keyPrefix + key
      let timer: ReturnType<typeof setTimeout> | undefined
      const expired = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new CallportError('PROVIDER_UNAVAILABLE', `createRedisRateLimitStore: no answer from Redis within ${timeout} ms`)), timeout)
      })
      try {
        const reply = await Promise.race([count(fullKey, String(Math.max(1, Math.ceil(windowMilliseconds)))), expired])
        if (!Array.isArray(reply) || typeof reply[0] !== 'number' || typeof reply[1] !== 'number') {
          throw new CallportError('INTERNAL', `Redis answered ${JSON.stringify(reply)} while counting "${fullKey}"`)
        }
        return { count: reply[0], resetAfter: reply[1] }
      } finally {
        clearTimeout(timer)
      }
    },
    close: () => close(),
  }
}

import { CallportError } from '@callport/core'
import type { RateLimitStore } from './rate-limit'
import { parseStoreOptions, redisConnection, type RedisConnectionOptions } from './redis-connection'

/** The one Redis command the rate limit store uses; a node-redis v5 client fits. */
export interface RedisRateLimitStoreClient {
  /** `EVAL script numkeys key… arg…`, in node-redis v5 form. */
  eval(script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>
}

/** `createRedisRateLimitStore` options. Unknown options are refused (INVALID_INPUT). */
export type RedisRateLimitStoreOptions = RedisConnectionOptions<RedisRateLimitStoreClient> & {
  /** Prefix of every key. Default `callport:rate:`. */
  keyPrefix?: string
}

/**
 * The rate limit store's default `timeout`, in milliseconds: shorter than the other stores', since
 * a count that cannot be made lets the request through (logging `rate-limit-store-failed`).
 */
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

/**
 * A RateLimitStore in Redis, so that every app-server process using the same Redis and key prefix
 * counts against the same limits: one key per counter, incremented and given its window's expiry in
 * one Lua script (INCR + PEXPIRE), so a counter never outlives its window. When Redis cannot answer
 * within `timeout` (default 1000 ms; the connection is the other Redis stores': no offline queue, bounded
 * calls, reconnecting by itself), the call server lets the request through and logs `rate-limit-store-failed`.
 *
 * @example
 * createCallServer({ providers, authorize, rateLimits: { store: createRedisRateLimitStore({ url: process.env.REDIS_URL! }) } })
 */
export function createRedisRateLimitStore(options: RedisRateLimitStoreOptions): RateLimitStore {
  const factory = 'createRedisRateLimitStore'
  const parsed = parseStoreOptions(options, factory, {})
  const keyPrefix = parsed.keyPrefix ?? 'callport:rate:'
  const connection = redisConnection<RedisRateLimitStoreClient>({ ...parsed, timeout: parsed.timeout ?? DEFAULT_TIMEOUT_MILLISECONDS }, factory)
  return {
    async hit(key, windowMilliseconds) {
      const fullKey = keyPrefix + key
      const window = String(Math.max(1, Math.ceil(windowMilliseconds)))
      const reply = await connection.run(`counting "${fullKey}"`, (client) => client.eval(HIT_SCRIPT, { keys: [fullKey], arguments: [window] }))
      if (!Array.isArray(reply) || typeof reply[0] !== 'number' || typeof reply[1] !== 'number') {
        throw new CallportError('INTERNAL', `Redis answered ${JSON.stringify(reply)} while counting "${fullKey}"`)
      }
      return { count: reply[0], resetAfter: reply[1] }
    },
    close: () => connection.close(),
  }
}

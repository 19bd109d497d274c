import { CallportError } from '@callport/core'
import { createClient } from 'redis'
import type * as z from 'zod/mini'

/**
 * What the Redis stores (`createRedisRoomStore`, `createRedisInviteStore`) share: their connection
 * options, the client they open or borrow, and the validation of what they read back.
 */

/** `{ url } | { client }`: the connection options both Redis stores take. */
export type RedisConnectionOptions<Client> =
  | {
      /** Redis URL, such as `redis://127.0.0.1:6379`; the store opens the client and `close()` closes it. */
      url: string
      client?: undefined
    }
  | {
      /** A client the app owns (connected, or connecting); `close()` leaves it open. */
      client: Client
      url?: undefined
    }

/**
 * The client of a store: the app's own, or one opened from the URL on first use.
 * @internal
 */
export interface RedisConnection<Client> {
  connected(): Promise<Client | ReturnType<typeof createClient>>
  /** Closes the client if the store opened it. */
  close(): Promise<void>
}

/**
 * The client of a Redis store: the app's `client`, or one opened from `url` on first use (`factory` names
 * the store in errors).
 * @internal
 */
export function redisConnection<Client>(options: RedisConnectionOptions<Client>, factory: string): RedisConnection<Client> {
  const { client } = options
  if (client !== undefined) return { connected: async () => client, close: async () => {} }
  if (typeof options.url !== 'string') throw new CallportError('INVALID_INPUT', `${factory}: give either url or client`)
  const owned = createClient({ url: options.url })
  // Failed commands reject on their own; without a listener a connection error would crash the process.
  owned.on('error', () => {})
  let connecting: Promise<ReturnType<typeof createClient>> | undefined
  return {
    connected() {
      connecting ??= owned.connect().then(
        () => owned,
        (error: unknown) => {
          connecting = undefined
          throw error
        },
      )
      return connecting
    },
    async close() {
      if (owned.isOpen) await owned.close()
    },
  }
}

/**
 * The JSON value of Redis key `key`, validated by `schema`; INTERNAL naming the key when it is something else.
 * @internal
 */
export function parseStored<T>(key: string, value: unknown, schema: z.ZodMiniType<T>, what: string): T {
  let parsed: unknown
  try {
    parsed = JSON.parse(String(value))
  } catch (cause) {
    throw new CallportError('INTERNAL', `Redis key "${key}" does not hold ${what}`, { cause })
  }
  const result = schema.safeParse(parsed)
  if (!result.success) throw new CallportError('INTERNAL', `Redis key "${key}" does not hold ${what}`, { cause: result.error })
  return result.data
}

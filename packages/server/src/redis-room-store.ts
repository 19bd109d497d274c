import { CallportError } from '@callport/core'
import { createClient } from 'redis'
import * as z from 'zod/mini'
import type { RoomRecord, RoomStore } from './room-store'

/** The few Redis commands the store uses; a node-redis v5 client fits. */
export interface RedisRoomStoreClient {
  get(key: string): Promise<string | null>
  set(key: string, value: string, options: RedisSetOptions): Promise<string | null>
  del(key: string): Promise<number>
}

/** `SET … NX [EX seconds]`, in node-redis v5 option form. */
export interface RedisSetOptions {
  condition: 'NX'
  expiration?: { type: 'EX'; value: number }
}

interface CommonOptions {
  /** Prefix of every key. Default `callport:room:`. */
  keyPrefix?: string
  /** Records expire after this many seconds (a missed `room-ended` cannot pin a room forever). Default: never. */
  ttlSeconds?: number
}

export type RedisRoomStoreOptions = CommonOptions & RedisConnectionOptions<RedisRoomStoreClient>

const RoomRecordSchema = z.object({
  provider: z.string().check(z.minLength(1)),
  providerRoomId: z.string().check(z.minLength(1)),
  createdAt: z.string(),
})

const MAXIMUM_ATTEMPTS = 5

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

const parseRecord = (key: string, value: unknown): RoomRecord => parseStored(key, value, RoomRecordSchema, 'a Callport room record')

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
 * A RoomStore in Redis, shared by every app-server process that uses the same Redis and key prefix,
 * so that they agree on which provider each live room is on. `setIfAbsent` is atomic (`SET NX`).
 */
export function createRedisRoomStore(options: RedisRoomStoreOptions): RoomStore {
  const keyPrefix = options.keyPrefix ?? 'callport:room:'
  const { ttlSeconds } = options
  if (ttlSeconds !== undefined && (!Number.isInteger(ttlSeconds) || ttlSeconds < 1)) {
    throw new CallportError('INVALID_INPUT', `createRedisRoomStore: ttlSeconds must be a positive whole number, got ${ttlSeconds}`)
  }
  const setOptions: RedisSetOptions = ttlSeconds === undefined ? { condition: 'NX' } : { condition: 'NX', expiration: { type: 'EX', value: ttlSeconds } }

  const connection = redisConnection<RedisRoomStoreClient>(options, 'createRedisRoomStore')
  const connected = (): Promise<RedisRoomStoreClient> => connection.connected()

  return {
    async get(room) {
      const key = keyPrefix + room
      const value = await (await connected()).get(key)
      return value === null ? undefined : parseRecord(key, value)
    },
    async setIfAbsent(room, record) {
      const key = keyPrefix + room
      const client = await connected()
      for (let attempt = 0; attempt < MAXIMUM_ATTEMPTS; attempt++) {
        if ((await client.set(key, JSON.stringify(record), setOptions)) !== null) return record
        const existing = await client.get(key)
        // Null: the winner's record was deleted between SET and GET; try to set ours again.
        if (existing !== null) return parseRecord(key, existing)
      }
      throw new CallportError('INTERNAL', `Redis key "${key}" kept changing while recording room "${room}"`)
    },
    async delete(room) {
      await (await connected()).del(keyPrefix + room)
    },
    close: connection.close,
  }
}

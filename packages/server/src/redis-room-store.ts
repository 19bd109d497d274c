import { CallportError } from '@callport/core'
import * as z from 'zod/mini'
import { parseStored, redisConnection, type RedisConnectionOptions } from './redis-connection'
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

const parseRecord = (key: string, value: unknown): RoomRecord => parseStored(key, value, RoomRecordSchema, 'a Callport room record')

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

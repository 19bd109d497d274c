import { CallportError } from '@callport/core'
import * as z from 'zod/mini'
import { parseStoreOptions, parseStored, redisConnection, type RedisConnectionOptions } from './redis-connection'
import { isExpired, type RoomRecord, type RoomStore } from './room-store'

/** The few Redis commands the store uses; a node-redis v5 client fits. */
export interface RedisRoomStoreClient {
  get(key: string): Promise<string | null>
  set(key: string, value: string, options: RedisSetOptions): Promise<string | null>
  del(key: string): Promise<number>
  /** `EVAL script numkeys key… arg…`, in node-redis v5 form (for `replace`). */
  eval(script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>
}

/** `SET … NX [PX milliseconds]`, in node-redis v5 option form. */
export interface RedisSetOptions {
  condition: 'NX'
  expiration?: { type: 'PX'; value: number }
}

interface CommonOptions {
  /** Prefix of every key. Default `callport:room:`. */
  keyPrefix?: string
  /**
   * The longest a record lives, in seconds, whatever its `expiresAt` (which the call server sets from
   * its `roomIdleSeconds` option; each key expires at its record's `expiresAt`). Default: no cap.
   */
  ttlSeconds?: number
}

/**
 * `createRedisRoomStore` options: `{ url }` or `{ client }`, and optional `keyPrefix`, `ttlSeconds` and
 * `timeout`. Unknown options are refused (INVALID_INPUT).
 */
export type RedisRoomStoreOptions = CommonOptions & RedisConnectionOptions<RedisRoomStoreClient>

const RoomRecordSchema = z.object({
  provider: z.string().check(z.minLength(1)),
  providerRoomId: z.string().check(z.minLength(1)),
  createdAt: z.string(),
  expiresAt: z.optional(z.string()),
})

/**
 * Replaces a record when it is still the expected one (or absent): the compare-and-set behind `replace`.
 * Returns the record that holds afterwards, as JSON.
 */
const REPLACE_SCRIPT = `
-- KEYS[1]: the room. ARGV[1..3]: the expected provider, providerRoomId and createdAt.
-- ARGV[4]: the next record, as JSON; ARGV[5]: how long to keep it, in ms ('' for ever).
local value = redis.call('GET', KEYS[1])
if value then
  local ok, current = pcall(cjson.decode, value)
  if not ok or type(current) ~= 'table' or current.provider ~= ARGV[1] or current.providerRoomId ~= ARGV[2] or current.createdAt ~= ARGV[3] then
    return value
  end
end
if ARGV[5] == '' then redis.call('SET', KEYS[1], ARGV[4]) else redis.call('SET', KEYS[1], ARGV[4], 'PX', ARGV[5]) end
return ARGV[4]
`

const MAXIMUM_ATTEMPTS = 5

const parseRecord = (key: string, value: unknown): RoomRecord => parseStored(key, value, RoomRecordSchema, 'a Callport room record')

/**
 * A RoomStore in Redis, shared by every app-server process that uses the same Redis and key prefix,
 * so that they agree on which provider each live room is on. `setIfAbsent` is atomic (`SET NX`),
 * `replace` is a compare-and-set (a Lua script); each key expires at its record's `expiresAt`.
 *
 * Every call is bounded by the `timeout` option (default 2 s): when Redis is down, restarting or stuck,
 * it fails with PROVIDER_UNAVAILABLE (retryable; 503 over HTTP) instead of waiting, and calls work
 * again by themselves once Redis is back. Records are not reconciled after Redis loses its data (a
 * restart without persistence): a room whose record is gone is placed anew by its next join, through
 * `route`, which is what happens when a record expires anyway.
 */
export function createRedisRoomStore(options: RedisRoomStoreOptions): RoomStore {
  const parsed = parseStoreOptions(options, 'createRedisRoomStore', {
    ttlSeconds: z.optional(z.int('ttlSeconds must be a positive whole number').check(z.minimum(1, 'ttlSeconds must be a positive whole number'))),
  })
  const keyPrefix = parsed.keyPrefix ?? 'callport:room:'
  const { ttlSeconds } = parsed
  /** How long Redis keeps `record`, in milliseconds; undefined for ever. */
  const keepFor = (record: RoomRecord): number | undefined => {
    let keep = ttlSeconds === undefined ? Infinity : ttlSeconds * 1000
    const expiresAt = record.expiresAt === undefined ? NaN : Date.parse(record.expiresAt)
    if (!Number.isNaN(expiresAt)) keep = Math.min(keep, expiresAt - Date.now())
    return keep === Infinity ? undefined : Math.max(1, Math.ceil(keep))
  }

  const connection = redisConnection<RedisRoomStoreClient>(parsed, 'createRedisRoomStore')

  async function replace(client: RedisRoomStoreClient, room: string, expected: RoomRecord, next: RoomRecord): Promise<RoomRecord> {
    const key = keyPrefix + room
    const keep = keepFor(next)
    const reply = await client.eval(REPLACE_SCRIPT, {
      keys: [key],
      arguments: [expected.provider, expected.providerRoomId, expected.createdAt, JSON.stringify(next), keep === undefined ? '' : String(keep)],
    })
    if (typeof reply !== 'string') throw new CallportError('INTERNAL', `Redis answered ${JSON.stringify(reply)} while replacing the record at key "${key}"`)
    return parseRecord(key, reply)
  }

  return {
    get: (room) =>
      connection.run('GET', async (client) => {
        const key = keyPrefix + room
        const value = await client.get(key)
        const record = value === null ? undefined : parseRecord(key, value)
        return record && !isExpired(record) ? record : undefined
      }),
    setIfAbsent: (room, record) =>
      connection.run('SET NX', async (client) => {
        const key = keyPrefix + room
        const keep = keepFor(record)
        const setOptions: RedisSetOptions = keep === undefined ? { condition: 'NX' } : { condition: 'NX', expiration: { type: 'PX', value: keep } }
        for (let attempt = 0; attempt < MAXIMUM_ATTEMPTS; attempt++) {
          if ((await client.set(key, JSON.stringify(record), setOptions)) !== null) return record
          const existing = await client.get(key)
          // Null: the winner's record was deleted between SET and GET; try to set ours again.
          if (existing === null) continue
          const winner = parseRecord(key, existing)
          // Expired by its expiresAt, though Redis still keeps it (clocks differ): ours replaces it.
          return isExpired(winner) ? replace(client, room, winner, record) : winner
        }
        throw new CallportError('INTERNAL', `Redis key "${key}" kept changing while recording room "${room}"`)
      }),
    replace: (room, expected, next) => connection.run('EVAL', (client) => replace(client, room, expected, next)),
    delete: (room) =>
      connection.run('DEL', async (client) => {
        await client.del(keyPrefix + room)
      }),
    close: () => connection.close(),
  }
}

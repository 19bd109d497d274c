import type { createClient } from 'redis'
import * as z from 'zod/mini'
import { MemberSchema, type Member } from '../shared/protocol'
import type { MemberDirectory } from './member-directory'

export type RedisClient = ReturnType<typeof createClient>

/** A member the directory dropped because the process that held it stopped. */
export interface LostMember {
  roomId: string
  memberId: string
}

export interface RedisMemberDirectorySettings {
  client: RedisClient
  /** Unique id of this server process. */
  nodeId: string
  /** Prefix of every key, ending with a separator. */
  keyPrefix: string
  /** Milliseconds without a heartbeat after which a process counts as dead. */
  nodeTimeout: number
  /** Milliseconds between sweeps for dead processes. */
  sweepInterval: number
  /** Members of dead processes, each reported by exactly one surviving process. */
  onMembersLost(members: LostMember[]): void
  /** This process was taken for dead (it stalled longer than `nodeTimeout`) and its members were dropped. */
  onNodeSwept(): void
  onError(error: unknown): void
}

export interface RedisMemberDirectory extends MemberDirectory {
  /** Registers this process and starts its heartbeat and the sweep. */
  start(): Promise<void>
}

/*
 * Keys (prefix `p`):
 *   p room:<roomId>           hash  memberId → member JSON
 *   p node:<nodeId>:members   hash  memberId → roomId (the members this process holds)
 *   p node:<nodeId>:alive     string with a TTL, refreshed by the heartbeat
 *   p nodes                   set of registered process ids
 * Every change to more than one key is one Lua script, so a dead process's members are removed by
 * exactly one sweeper, and a member removed by its own process is never reported again by a sweep.
 */

const removeNodeLua = `
local function remove_node(prefix, node)
  local membersKey = prefix .. 'node:' .. node .. ':members'
  local entries = redis.call('HGETALL', membersKey)
  local removed = {}
  for i = 1, #entries, 2 do
    local memberId, roomId = entries[i], entries[i + 1]
    if redis.call('HDEL', prefix .. 'room:' .. roomId, memberId) == 1 then
      table.insert(removed, roomId)
      table.insert(removed, memberId)
    end
  end
  redis.call('DEL', membersKey, prefix .. 'node:' .. node .. ':alive')
  redis.call('SREM', prefix .. 'nodes', node)
  return removed
end
`

/** ARGV: prefix. Removes every registered process whose alive key expired. */
const sweepScript = `${removeNodeLua}
local prefix = ARGV[1]
local removed = {}
for _, node in ipairs(redis.call('SMEMBERS', prefix .. 'nodes')) do
  if redis.call('EXISTS', prefix .. 'node:' .. node .. ':alive') == 0 then
    for _, value in ipairs(remove_node(prefix, node)) do table.insert(removed, value) end
  end
end
return removed`

/** ARGV: prefix, node. Deregisters this process, removing the members it still holds. */
const leaveScript = `${removeNodeLua}
return remove_node(ARGV[1], ARGV[2])`

/** KEYS: nodes, alive. ARGV: node, ttl. Returns 1 when the process was still registered. */
const heartbeatScript = `
local known = redis.call('SISMEMBER', KEYS[1], ARGV[1])
redis.call('SADD', KEYS[1], ARGV[1])
redis.call('SET', KEYS[2], '1', 'PX', ARGV[2])
return known`

/** KEYS: room, node members. ARGV: member id, member JSON, room id. Returns the room's hash. */
const addScript = `
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('HSET', KEYS[2], ARGV[1], ARGV[3])
return redis.call('HGETALL', KEYS[1])`

/** KEYS: room, node members. ARGV: member id. */
const removeScript = `
redis.call('HDEL', KEYS[2], ARGV[1])
return redis.call('HDEL', KEYS[1], ARGV[1])`

/** KEYS: room. ARGV: member id, member JSON. */
const updateScript = `
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 1 then redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) end
return 0`

const StringListSchema = z.array(z.string())

function pairs(reply: unknown): Array<[string, string]> {
  const flat = StringListSchema.parse(reply)
  const result: Array<[string, string]> = []
  for (let index = 0; index + 1 < flat.length; index += 2) result.push([flat[index]!, flat[index + 1]!])
  return result
}

function parseMembers(entries: Iterable<string>): Member[] {
  return [...entries].map((json) => MemberSchema.parse(JSON.parse(json)))
}

/** The directory shared by several server processes through one Redis. */
export function createRedisMemberDirectory(settings: RedisMemberDirectorySettings): RedisMemberDirectory {
  const { client, nodeId, keyPrefix: prefix } = settings
  const roomKey = (roomId: string) => `${prefix}room:${roomId}`
  const nodeMembersKey = `${prefix}node:${nodeId}:members`
  const heartbeatKeys = [`${prefix}nodes`, `${prefix}node:${nodeId}:alive`]
  const timers: NodeJS.Timeout[] = []

  const heartbeat = async (): Promise<boolean> => {
    const known = await client.eval(heartbeatScript, { keys: heartbeatKeys, arguments: [nodeId, String(settings.nodeTimeout)] })
    return known === 1
  }
  const report = (removed: unknown) => {
    const lost = pairs(removed).map(([roomId, memberId]) => ({ roomId, memberId }))
    if (lost.length > 0) settings.onMembersLost(lost)
  }
  const repeat = (task: () => Promise<void>, everyMilliseconds: number) => {
    const timer = setInterval(() => {
      task().catch((error: unknown) => settings.onError(error))
    }, everyMilliseconds)
    timer.unref()
    timers.push(timer)
  }

  return {
    async start() {
      await heartbeat()
      repeat(
        async () => {
          if (!(await heartbeat())) settings.onNodeSwept()
        },
        Math.max(100, Math.floor(settings.nodeTimeout / 3)),
      )
      repeat(async () => report(await client.eval(sweepScript, { arguments: [prefix] })), settings.sweepInterval)
    },
    async add(roomId, member) {
      const reply = await client.eval(addScript, {
        keys: [roomKey(roomId), nodeMembersKey],
        arguments: [member.id, JSON.stringify(member), roomId],
      })
      return parseMembers(
        pairs(reply)
          .filter(([memberId]) => memberId !== member.id)
          .map(([, json]) => json),
      )
    },
    async update(roomId, member) {
      await client.eval(updateScript, { keys: [roomKey(roomId)], arguments: [member.id, JSON.stringify(member)] })
    },
    async remove(roomId, memberId) {
      return (await client.eval(removeScript, { keys: [roomKey(roomId), nodeMembersKey], arguments: [memberId] })) === 1
    },
    async has(roomId, memberId) {
      return (await client.hExists(roomKey(roomId), memberId)) === 1
    },
    async list(roomId) {
      return parseMembers(Object.values(await client.hGetAll(roomKey(roomId))))
    },
    async close() {
      for (const timer of timers.splice(0)) clearInterval(timer)
      report(await client.eval(leaveScript, { arguments: [prefix, nodeId] }))
    },
  }
}

import { CallportError, InviteSchema, type Invite } from '@callport/core'
import * as z from 'zod/mini'
import { ringingKeyOf, SETTLED_INVITE_RETENTION_MILLISECONDS, type InviteStore } from './invites/invite-store'
import { parseStoreOptions, parseStored, redisConnection, type RedisConnectionOptions } from './redis-connection'

/** The few Redis commands the invite store uses; a node-redis v5 client fits. */
export interface RedisInviteStoreClient {
  get(key: string): Promise<string | null>
  /** `EVAL script numkeys key… arg…`, in node-redis v5 form. */
  eval(script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>
}

/**
 * `createRedisInviteStore` options: `{ url }` or `{ client }`, and optional `keyPrefix` and `timeout`.
 * Unknown options are refused (INVALID_INPUT).
 */
export type RedisInviteStoreOptions = {
  /** Prefix of every key. Default `callport:invite:`. */
  keyPrefix?: string
} & RedisConnectionOptions<RedisInviteStoreClient>

/** Adds an invite unless its key is taken, and indexes it under its callee and room. */
const ADD_SCRIPT = `
-- KEYS[1]: the invite; KEYS[2]: the ids of the invites ringing its callee in its room.
-- ARGV[1]: the invite as JSON; ARGV[2]: its id; ARGV[3]: how long to keep it, in ms.
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[3])
redis.call('SADD', KEYS[2], ARGV[2])
if redis.call('PTTL', KEYS[2]) < tonumber(ARGV[3]) then redis.call('PEXPIRE', KEYS[2], ARGV[3]) end
return 1
`

/**
 * Changes an invite only while it is ringing: the compare-and-set behind settle and setAttempts.
 * Returns nil for a missing key, else {1, the changed invite} or {0, the invite as it is}.
 */
const CHANGE_SCRIPT = `
-- KEYS[1]: the invite. ARGV[1]: the fields to change, as JSON.
-- To settle: ARGV[2], how long to keep it then, in ms; ARGV[3], the prefix of the ringing indexes to leave.
local value = redis.call('GET', KEYS[1])
if not value then return false end
local ok, invite = pcall(cjson.decode, value)
if not ok or type(invite) ~= 'table' or invite.status ~= 'ringing' then return {0, value} end
for field, change in pairs(cjson.decode(ARGV[1])) do invite[field] = change end
local changed = cjson.encode(invite)
if ARGV[2] then
  redis.call('SET', KEYS[1], changed, 'PX', ARGV[2])
  redis.call('SREM', ARGV[3] .. invite.room .. '\\0' .. invite.to, invite.id)
else
  redis.call('SET', KEYS[1], changed, 'KEEPTTL')
end
return {1, changed}
`

/** The ids of an index whose invites still exist; settling takes an invite out of its index. */
const RINGING_SCRIPT = `
-- KEYS[1]: the index. ARGV[1]: the prefix of invite keys.
local ringing = {}
for _, id in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  if redis.call('EXISTS', ARGV[1] .. id) == 1 then table.insert(ringing, id) else redis.call('SREM', KEYS[1], id) end
end
return ringing
`

const ChangeReplySchema = z.union([z.null(), z.tuple([z.number(), z.string()])])

/**
 * An InviteStore in Redis, shared by every app-server process that uses the same Redis and key prefix,
 * so that a callee can accept, decline or answer an invite through any of them. Each invite is a JSON
 * value under `keyPrefix` + its id, kept until its `expiresAt` plus SETTLED_INVITE_RETENTION_MILLISECONDS
 * while ringing and for the retention once settled; the ids ringing a callee in a room are a set under
 * `keyPrefix` + `ringing:…`. Adding, changing attempts and settling are Lua scripts (EVAL), so settling
 * is a compare-and-set: of several processes settling an invite at once exactly one wins. The scripts
 * touch keys they compute, so the store wants one Redis server (or primary), not a cluster.
 *
 * Every call is bounded by the `timeout` option (default 2 s): while Redis is down it fails with
 * PROVIDER_UNAVAILABLE (retryable), and works again by itself once Redis is back.
 *
 * Redis losing its data (a restart without persistence, a failover to a replica that lagged) loses no
 * ringing invite for good: the store also keeps, in this process's memory, the invites it added that
 * still ring, and writes back the ones Redis no longer has whenever Redis answers again after an
 * outage, and whenever one of them is found missing. So the process that created an invite still
 * rings it and settles it (`missed` at the end of its window) and a callee may still answer it on any
 * process. What Redis lost about invites settled elsewhere just before the loss cannot be known: such
 * an invite may ring again and settle a second time. Run Redis with persistence (`appendonly yes`).
 *
 * @example
 * const invites = createRedisInviteStore({ url: process.env.REDIS_URL! })
 * createCallServer({ providers, authorize, invites: { notify, store: invites } })
 */
export function createRedisInviteStore(options: RedisInviteStoreOptions): InviteStore {
  parseStoreOptions(options, 'createRedisInviteStore', {})
  const keyPrefix = options.keyPrefix ?? 'callport:invite:'
  const ringingPrefix = `${keyPrefix}ringing:`
  const connection = redisConnection<RedisInviteStoreClient>(options, 'createRedisInviteStore')
  /** The key of an invite; undefined for an id that would name an index. */
  const keyOf = (id: string): string | undefined => (id.startsWith('ringing:') ? undefined : keyPrefix + id)
  const parseInvite = (key: string, value: unknown): Invite => parseStored(key, value, InviteSchema, 'a Callport invite')

  /**
   * The invites this store added that it has not seen settled, as last written here: what it writes
   * back when Redis lost them. Forgotten once settled (here or, as read here, elsewhere) or past their
   * window and the retention.
   */
  const ringingHere = new Map<string, Invite>()
  const remember = (invite: Invite | undefined): void => {
    if (!invite) return
    if (invite.status === 'ringing' && ringingHere.has(invite.id)) ringingHere.set(invite.id, { ...invite })
    else ringingHere.delete(invite.id)
  }
  let nextSweep = 0
  /** Forgets invites past their window and the retention (at most once a minute: it walks them all). */
  function forgetStale(): void {
    const now = Date.now()
    if (now < nextSweep) return
    nextSweep = now + 60_000
    for (const [id, invite] of ringingHere) if (Date.parse(invite.expiresAt) + SETTLED_INVITE_RETENTION_MILLISECONDS <= now) ringingHere.delete(id)
  }

  /** ADD_SCRIPT: true when the invite was written, false when its key was taken. */
  async function write(client: RedisInviteStoreClient, invite: Invite): Promise<boolean> {
    const key = keyPrefix + invite.id
    const keep = Math.max(1, Math.ceil(Date.parse(invite.expiresAt) + SETTLED_INVITE_RETENTION_MILLISECONDS - Date.now()))
    const reply = await client.eval(ADD_SCRIPT, {
      keys: [key, ringingPrefix + ringingKeyOf(invite.room, invite.to)],
      arguments: [JSON.stringify(invite), invite.id, String(keep)],
    })
    return reply === 1
  }

  /** Writes back an invite of this process that Redis lost; true when it did. */
  async function restore(client: RedisInviteStoreClient, id: string): Promise<boolean> {
    const invite = ringingHere.get(id)
    if (invite === undefined) return false
    // Past its window and the retention, Redis would have dropped it anyway: it was not lost.
    if (Date.parse(invite.expiresAt) + SETTLED_INVITE_RETENTION_MILLISECONDS <= Date.now()) {
      ringingHere.delete(id)
      return false
    }
    return write(client, invite)
  }

  /** Writes back every invite ringing here that Redis no longer has (a no-op for those it has). */
  let reconciling: Promise<void> | undefined
  function reconcile(): void {
    reconciling ??= connection
      .run('EVAL', async (client) => {
        forgetStale()
        for (const id of [...ringingHere.keys()]) await restore(client, id)
      })
      .catch(() => {
        // Redis failed again: the next recovery reconciles.
      })
      .finally(() => {
        reconciling = undefined
      })
  }
  connection.onRecovered(reconcile)

  /** Runs CHANGE_SCRIPT on the invite `id`; writes the invite back first when Redis lost one that rings here. */
  async function change(id: string, fields: Partial<Invite>, settle: boolean): Promise<{ changed: boolean; invite: Invite } | undefined> {
    const key = keyOf(id)
    if (key === undefined) return undefined
    const settling = settle ? [String(SETTLED_INVITE_RETENTION_MILLISECONDS), ringingPrefix] : []
    const outcome = await connection.run('EVAL', async (client) => {
      const run = () => client.eval(CHANGE_SCRIPT, { keys: [key], arguments: [JSON.stringify(fields), ...settling] })
      let reply = await run()
      if (reply === null && (await restore(client, id))) reply = await run()
      const result = ChangeReplySchema.safeParse(reply)
      if (!result.success) throw new CallportError('INTERNAL', `Redis answered ${JSON.stringify(reply)} while changing the invite at key "${key}"`)
      if (result.data === null) return undefined
      const [changed, value] = result.data
      return { changed: changed === 1, invite: parseInvite(key, value) }
    })
    remember(outcome?.invite)
    if (settle) ringingHere.delete(id)
    return outcome
  }

  return {
    async add(invite) {
      const key = keyOf(invite.id)
      if (key === undefined) throw new CallportError('INVALID_INPUT', `An invite id may not start with "ringing:"; got ${invite.id}`)
      const written = await connection.run('EVAL', (client) => write(client, invite))
      if (!written) throw new CallportError('CONFLICT', `There is already an invite ${invite.id}`)
      if (invite.status === 'ringing') {
        forgetStale()
        ringingHere.set(invite.id, { ...invite })
      }
    },
    async get(id) {
      const key = keyOf(id)
      if (key === undefined) return undefined
      const invite = await connection.run('GET', async (client) => {
        let value = await client.get(key)
        if (value === null && (await restore(client, id))) value = await client.get(key)
        return value === null ? undefined : parseInvite(key, value)
      })
      remember(invite)
      return invite
    },
    async setAttempts(id, attempts) {
      return (await change(id, { attempts }, false))?.invite
    },
    async settle(id, status, settledAt) {
      const outcome = await change(id, { status, settledAt }, true)
      return outcome && { settled: outcome.changed, invite: outcome.invite }
    },
    async ringing(room, identity) {
      return connection.run('EVAL', async (client) => {
        // Invites of this process that Redis lost are written back first, so that the index lists them.
        for (const invite of ringingHere.values()) if (invite.room === room && invite.to === identity) await restore(client, invite.id)
        const reply = await client.eval(RINGING_SCRIPT, { keys: [ringingPrefix + ringingKeyOf(room, identity)], arguments: [keyPrefix] })
        return z.array(z.string()).parse(reply)
      })
    },
    close: () => connection.close(),
  }
}

import { CallportError, type Invite, type InviteStatus } from '@callport/core'

/**
 * Where the call server keeps its invites. With a store shared between app-server processes (such as
 * `createRedisInviteStore` from `@callport/server/redis`), a callee may accept, decline or answer an
 * invite on any process, whichever process created it.
 */

/** How long a settled invite is remembered, so that acting on it is a 409 rather than a 404. */
export const SETTLED_INVITE_RETENTION_MILLISECONDS = 10 * 60_000
/** Invites ringing at once in one process (and in one memory store), at most; more are refused with RATE_LIMITED. */
export const MAXIMUM_RINGING_INVITES = 10_000

/** Every status but `ringing`: what an invite settles as. */
export type SettledInviteStatus = Exclude<InviteStatus, 'ringing'>

/** The outcome of `InviteStore.settle`. */
export interface InviteSettlement {
  /** True when this call settled the invite; false when it was already settled (by another process, say). */
  settled: boolean
  /** The invite as stored afterwards: the winner's state when `settled` is false. */
  invite: Invite
}

/**
 * Keeps invites, in the spirit of `RoomStore`. Every method returns copies: changing what it returns
 * changes nothing in the store.
 */
export interface InviteStore {
  /**
   * Keeps a new `ringing` invite at least until its `expiresAt` plus SETTLED_INVITE_RETENTION_MILLISECONDS.
   * CONFLICT when the id is taken; a store may refuse with RATE_LIMITED when it holds too many.
   */
  add(invite: Invite): Promise<void>
  /** The invite, or undefined when the id is unknown (or forgotten). */
  get(id: string): Promise<Invite | undefined>
  /**
   * Sets `attempts` if the invite is still `ringing`, atomically. Returns the invite as stored
   * afterwards (unchanged when it was settled), or undefined for an unknown id.
   */
  setAttempts(id: string, attempts: number): Promise<Invite | undefined>
  /**
   * Compare-and-set: settles the invite as `status` at `settledAt` only if it is still `ringing`, so that
   * of several processes settling it at once exactly one wins. A settled invite is kept for
   * SETTLED_INVITE_RETENTION_MILLISECONDS. Undefined for an unknown id.
   */
  settle(id: string, status: SettledInviteStatus, settledAt: string): Promise<InviteSettlement | undefined>
  /** The ids of the invites ringing `identity` (their callee) in `room`. */
  ringing(room: string, identity: string): Promise<string[]>
  /** Releases connections the store holds (optional). */
  close?(): Promise<void>
}

/** The methods every InviteStore has; `createCallServer` checks them. */
export const inviteStoreMethods = ['add', 'get', 'setAttempts', 'settle', 'ringing'] as const

/** A timer that does not keep the process alive. */
export function later(milliseconds: number, run: () => void): ReturnType<typeof setTimeout> {
  const timer = setTimeout(run, milliseconds)
  ;(timer as { unref?: () => void }).unref?.()
  return timer
}

/** The index key of the invites ringing `identity` in `room`: a room name never holds a NUL. */
export const ringingKeyOf = (room: string, identity: string): string => `${room}\u0000${identity}`

/**
 * The default InviteStore: a Map in this process. It holds at most MAXIMUM_RINGING_INVITES ringing
 * invites (RATE_LIMITED beyond) and forgets a settled invite SETTLED_INVITE_RETENTION_MILLISECONDS
 * after it settled.
 */
export function createMemoryInviteStore(): InviteStore {
  const invites = new Map<string, Invite>()
  /** Ringing invite ids by callee and room. */
  const ringingFor = new Map<string, Set<string>>()
  let ringing = 0

  const copy = (id: string): Invite | undefined => {
    const invite = invites.get(id)
    return invite && { ...invite }
  }

  function unindex(invite: Invite): void {
    const key = ringingKeyOf(invite.room, invite.to)
    const ids = ringingFor.get(key)
    ids?.delete(invite.id)
    if (ids?.size === 0) ringingFor.delete(key)
    ringing -= 1
  }

  return {
    async add(invite) {
      if (invites.has(invite.id)) throw new CallportError('CONFLICT', `There is already an invite ${invite.id}`)
      if (ringing >= MAXIMUM_RINGING_INVITES) throw new CallportError('RATE_LIMITED', 'Too many invites are ringing; try again later', { retryable: true })
      invites.set(invite.id, { ...invite })
      ringing += 1
      const key = ringingKeyOf(invite.room, invite.to)
      ringingFor.set(key, (ringingFor.get(key) ?? new Set()).add(invite.id))
    },
    async get(id) {
      return copy(id)
    },
    async setAttempts(id, attempts) {
      const invite = invites.get(id)
      if (invite?.status === 'ringing') invite.attempts = attempts
      return copy(id)
    },
    async settle(id, status, settledAt) {
      const invite = invites.get(id)
      if (!invite) return undefined
      if (invite.status !== 'ringing') return { settled: false, invite: { ...invite } }
      unindex(invite)
      invite.status = status
      invite.settledAt = settledAt
      later(SETTLED_INVITE_RETENTION_MILLISECONDS, () => invites.delete(id))
      return { settled: true, invite: { ...invite } }
    },
    async ringing(room, identity) {
      return [...(ringingFor.get(ringingKeyOf(room, identity)) ?? [])]
    },
  }
}

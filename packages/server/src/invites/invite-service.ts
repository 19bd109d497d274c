import { CallportError, type Invite, type InviteAction } from '@callport/core'
import type { InviteNotification, InvitePolicy } from './invite-options'
import { later, MAXIMUM_RINGING_INVITES, SETTLED_INVITE_RETENTION_MILLISECONDS, type InviteSettlement, type SettledInviteStatus } from './invite-store'

export interface InviteServiceSettings {
  policy: InvitePolicy
  /** Called with a copy of the invite whenever this process creates it or changes it. */
  announce: (invite: Invite) => void
  /** Called with every error the notifier throws, and every error of the store in work nobody awaits. */
  onError: (error: unknown) => void
}

/**
 * The invites of one process: the timers of the invites it created, and who may act on an invite.
 * The invites themselves are in the policy's store, which other processes may share.
 */
export interface InviteService {
  /** Creates a ringing invite and rings the callee once before resolving. */
  create(request: { from: string; to: string; room: string }): Promise<Invite>
  /** `accept` and `decline` are the callee's, `cancel` is the caller's. NOT_FOUND, FORBIDDEN or CONFLICT otherwise. */
  act(id: string, action: InviteAction, identity: string): Promise<Invite>
  /** The invite, for its caller or callee. NOT_FOUND or FORBIDDEN otherwise. */
  get(id: string, identity: string): Promise<Invite>
  /** The callee `identity` joined `room`: every invite ringing them there is accepted. Never rejects: errors go to `onError`. */
  answeredBy(room: string, identity: string): Promise<void>
}

const settledBy: Record<InviteAction, SettledInviteStatus> = { accept: 'accepted', decline: 'declined', cancel: 'cancelled' }

/** The longest wait between two tries to settle a missed invite while the store fails, in milliseconds. */
const MAXIMUM_MISS_RETRY_DELAY_MILLISECONDS = 30_000

/** Whether ringing may go on after the notifier threw `error`. */
function isRetryable(error: unknown): boolean {
  return typeof error !== 'object' || error === null || (error as { retryable?: unknown }).retryable !== false
}

export function createInviteService({ policy, announce, onError }: InviteServiceSettings): InviteService {
  const { store } = policy
  /** The timers of the invites this process created and has not seen settled, by id. */
  const timers = new Map<string, ReturnType<typeof setTimeout>[]>()
  /** The same invites as last seen here: what this process settles them from when the store lost them or keeps failing. */
  const copies = new Map<string, Invite>()
  const interval = policy.withinMilliseconds / policy.attempts

  function stopRinging(id: string): void {
    for (const timer of timers.get(id) ?? []) clearTimeout(timer)
    timers.delete(id)
    copies.delete(id)
  }

  /** Sends a notification; a failure of `missed` or `cancelled` is only reported. */
  async function notify(notification: InviteNotification): Promise<unknown> {
    try {
      await policy.notify(notification)
      return undefined
    } catch (error) {
      onError(error)
      return error
    }
  }

  /** Settles the invite if it still rings; whoever wins announces it. Afterwards it rings no more here. */
  async function settle(id: string, status: SettledInviteStatus): Promise<InviteSettlement | undefined> {
    const outcome = await store.settle(id, status, new Date().toISOString())
    stopRinging(id)
    if (outcome?.settled) announce({ ...outcome.invite })
    return outcome
  }

  /** Rings attempt `attempt` unless the invite was settled meanwhile, here or in another process. */
  async function ring(id: string, attempt: number): Promise<void> {
    const invite = await store.setAttempts(id, attempt)
    // Lost by the store: the end of the window still settles it here (miss).
    if (invite === undefined) return
    if (invite.status !== 'ringing') return stopRinging(id)
    copies.set(id, { ...invite })
    announce({ ...invite })
    const failure = await notify({ kind: 'ring', invite, attempt })
    if (failure === undefined || isRetryable(failure)) return
    // The notifier ended the ringing: the invite failed, and the caller's missed-call notice still goes out,
    // as when the window ends unanswered.
    const outcome = await settle(id, 'failed')
    if (outcome?.settled) await notify({ kind: 'missed', invite: outcome.invite, attempt })
  }

  /**
   * The end of the window: missed, unless another process settled it first. No invite of this process
   * ends without an event: one the store lost is missed here; while the store fails, settling is tried
   * again (backing off) until the retention has passed, and then the invite fails here.
   */
  async function miss(id: string, retry = 0, since = Date.now()): Promise<void> {
    const copy = copies.get(id)
    let outcome: InviteSettlement | undefined
    try {
      outcome = await settle(id, 'missed')
    } catch (error) {
      onError(error)
      if (Date.now() - since < SETTLED_INVITE_RETENTION_MILLISECONDS) {
        const delay = Math.min(1000 * 2 ** retry, MAXIMUM_MISS_RETRY_DELAY_MILLISECONDS)
        timers.set(id, [
          later(
            delay,
            inBackground(() => miss(id, retry + 1, since)),
          ),
        ])
        return
      }
      stopRinging(id)
      if (copy) announce({ ...copy, status: 'failed', settledAt: new Date().toISOString() })
      return
    }
    if (outcome === undefined && copy) {
      const missed: Invite = { ...copy, status: 'missed', settledAt: new Date().toISOString() }
      announce({ ...missed })
      await notify({ kind: 'missed', invite: missed, attempt: missed.attempts })
    }
    if (outcome?.settled) await notify({ kind: 'missed', invite: outcome.invite, attempt: outcome.invite.attempts })
  }

  const inBackground = (work: () => Promise<void>) => () => void work().catch(onError)

  async function find(id: string, identity: string): Promise<Invite> {
    const invite = await store.get(id)
    if (!invite) throw new CallportError('NOT_FOUND', `There is no invite ${id}`)
    if (identity !== invite.from && identity !== invite.to) throw new CallportError('FORBIDDEN', 'Only the caller and the callee may see this invite')
    return invite
  }

  return {
    async create({ from, to, room }) {
      if (from === to) throw new CallportError('INVALID_INPUT', 'An invite needs a callee other than the caller')
      if (timers.size >= MAXIMUM_RINGING_INVITES) throw new CallportError('RATE_LIMITED', 'Too many invites are ringing; try again later', { retryable: true })
      const now = Date.now()
      const invite: Invite = {
        id: `inv_${crypto.randomUUID().replaceAll('-', '')}`,
        from,
        to,
        room,
        status: 'ringing',
        attempts: 0,
        createdAt: new Date(now).toISOString(),
        expiresAt: new Date(now + policy.withinMilliseconds).toISOString(),
      }
      await store.add(invite)
      announce({ ...invite })
      const { id } = invite
      const scheduled: ReturnType<typeof setTimeout>[] = []
      for (let attempt = 2; attempt <= policy.attempts; attempt += 1)
        scheduled.push(
          later(
            (attempt - 1) * interval,
            inBackground(() => ring(id, attempt)),
          ),
        )
      scheduled.push(
        later(
          policy.withinMilliseconds,
          inBackground(() => miss(id)),
        ),
      )
      timers.set(id, scheduled)
      copies.set(id, { ...invite })
      try {
        await ring(id, 1)
        return (await store.get(id)) ?? invite
      } catch (error) {
        stopRinging(id)
        throw error
      }
    },

    async act(id, action, identity) {
      const { from, to, status } = await find(id, identity)
      const allowed = action === 'cancel' ? identity === from : identity === to
      if (!allowed) throw new CallportError('FORBIDDEN', action === 'cancel' ? 'Only the caller may cancel an invite' : `Only the callee may ${action} an invite`)
      if (status !== 'ringing') throw new CallportError('CONFLICT', `The invite is already ${status}`)
      const outcome = await settle(id, settledBy[action])
      if (!outcome) throw new CallportError('NOT_FOUND', `There is no invite ${id}`)
      if (!outcome.settled) throw new CallportError('CONFLICT', `The invite is already ${outcome.invite.status}`)
      const { invite } = outcome
      if (action === 'cancel' && invite.attempts > 0) void notify({ kind: 'cancelled', invite, attempt: invite.attempts })
      return invite
    },

    async get(id, identity) {
      return find(id, identity)
    },

    async answeredBy(room, identity) {
      try {
        for (const id of await store.ringing(room, identity)) await settle(id, 'accepted')
      } catch (error) {
        onError(error)
      }
    },
  }
}

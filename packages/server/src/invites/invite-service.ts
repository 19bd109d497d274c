import { randomUUID } from 'node:crypto'
import { CallportError, type Invite, type InviteAction, type InviteStatus } from '@callport/core'
import type { InviteNotification, InvitePolicy } from './invite-options'

/** How long a settled invite is remembered, so that acting on it is a 409 rather than a 404. */
export const SETTLED_INVITE_RETENTION_MILLISECONDS = 10 * 60_000
/** Invites ringing at once in one process, at most; more are refused with RATE_LIMITED. */
export const MAXIMUM_RINGING_INVITES = 10_000

export interface InviteServiceSettings {
  policy: InvitePolicy
  /** Called with a copy of the invite whenever it is created or changes. */
  announce: (invite: Invite) => void
  /** Called with every error the notifier throws. */
  onError: (error: unknown) => void
}

/** The invites of one process: their timers, their state, and who may act on them. */
export interface InviteService {
  /** Creates a ringing invite and rings the callee once before resolving. */
  create(request: { from: string; to: string; room: string }): Promise<Invite>
  /** `accept` and `decline` are the callee's, `cancel` is the caller's. NOT_FOUND, FORBIDDEN or CONFLICT otherwise. */
  act(id: string, action: InviteAction, identity: string): Invite
  /** The invite, for its caller or callee. NOT_FOUND or FORBIDDEN otherwise. */
  get(id: string, identity: string): Invite
  /** The callee `identity` joined `room`: every invite ringing them there is accepted. */
  answeredBy(room: string, identity: string): void
}

interface Entry {
  invite: Invite
  timers: ReturnType<typeof setTimeout>[]
}

const settledBy: Record<InviteAction, InviteStatus> = { accept: 'accepted', decline: 'declined', cancel: 'cancelled' }

/** Whether ringing may go on after the notifier threw `error`. */
function isRetryable(error: unknown): boolean {
  return typeof error !== 'object' || error === null || (error as { retryable?: unknown }).retryable !== false
}

/** A timer that does not keep the process alive. */
function later(milliseconds: number, run: () => void): ReturnType<typeof setTimeout> {
  const timer = setTimeout(run, milliseconds)
  ;(timer as { unref?: () => void }).unref?.()
  return timer
}

export function createInviteService({ policy, announce, onError }: InviteServiceSettings): InviteService {
  const entries = new Map<string, Entry>()
  /** Ringing invites by callee and room, so that a join finds its invites at once. */
  const ringingFor = new Map<string, Set<Entry>>()
  let ringing = 0
  const keyOf = (room: string, identity: string): string => `${room}\u0000${identity}`
  const interval = policy.withinMilliseconds / policy.attempts

  const update = (entry: Entry, change: Partial<Invite>): Invite => {
    entry.invite = { ...entry.invite, ...change }
    announce({ ...entry.invite })
    return { ...entry.invite }
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

  function settle(entry: Entry, status: InviteStatus): Invite {
    for (const timer of entry.timers) clearTimeout(timer)
    ringing -= 1
    const key = keyOf(entry.invite.room, entry.invite.to)
    ringingFor.get(key)?.delete(entry)
    if (ringingFor.get(key)?.size === 0) ringingFor.delete(key)
    entry.timers = [later(SETTLED_INVITE_RETENTION_MILLISECONDS, () => entries.delete(entry.invite.id))]
    return update(entry, { status, settledAt: new Date().toISOString() })
  }

  async function ring(entry: Entry, attempt: number): Promise<void> {
    if (entry.invite.status !== 'ringing') return
    const invite = update(entry, { attempts: attempt })
    const failure = await notify({ kind: 'ring', invite, attempt })
    if (failure !== undefined && !isRetryable(failure) && entry.invite.status === 'ringing') settle(entry, 'failed')
  }

  function miss(entry: Entry): void {
    if (entry.invite.status !== 'ringing') return
    const invite = settle(entry, 'missed')
    void notify({ kind: 'missed', invite, attempt: invite.attempts })
  }

  function find(id: string, identity: string): Entry {
    const entry = entries.get(id)
    if (!entry) throw new CallportError('NOT_FOUND', `There is no invite ${id}`)
    if (identity !== entry.invite.from && identity !== entry.invite.to) throw new CallportError('FORBIDDEN', 'Only the caller and the callee may see this invite')
    return entry
  }

  return {
    async create({ from, to, room }) {
      if (from === to) throw new CallportError('INVALID_INPUT', 'An invite needs a callee other than the caller')
      if (ringing >= MAXIMUM_RINGING_INVITES) throw new CallportError('RATE_LIMITED', 'Too many invites are ringing; try again later', { retryable: true })
      const now = Date.now()
      const invite: Invite = {
        id: `inv_${randomUUID().replaceAll('-', '')}`,
        from,
        to,
        room,
        status: 'ringing',
        attempts: 0,
        createdAt: new Date(now).toISOString(),
        expiresAt: new Date(now + policy.withinMilliseconds).toISOString(),
      }
      const entry: Entry = { invite, timers: [] }
      entries.set(invite.id, entry)
      ringing += 1
      const key = keyOf(room, to)
      ringingFor.set(key, (ringingFor.get(key) ?? new Set()).add(entry))
      announce({ ...invite })
      for (let attempt = 2; attempt <= policy.attempts; attempt += 1) entry.timers.push(later((attempt - 1) * interval, () => void ring(entry, attempt)))
      entry.timers.push(later(policy.withinMilliseconds, () => miss(entry)))
      await ring(entry, 1)
      return { ...entry.invite }
    },

    act(id, action, identity) {
      const entry = find(id, identity)
      const { from, to, status } = entry.invite
      const allowed = action === 'cancel' ? identity === from : identity === to
      if (!allowed) throw new CallportError('FORBIDDEN', action === 'cancel' ? 'Only the caller may cancel an invite' : `Only the callee may ${action} an invite`)
      if (status !== 'ringing') throw new CallportError('CONFLICT', `The invite is already ${status}`)
      const invite = settle(entry, settledBy[action])
      if (action === 'cancel' && invite.attempts > 0) void notify({ kind: 'cancelled', invite, attempt: invite.attempts })
      return invite
    },

    get(id, identity) {
      return { ...find(id, identity).invite }
    },

    answeredBy(room, identity) {
      for (const entry of [...(ringingFor.get(keyOf(room, identity)) ?? [])]) settle(entry, 'accepted')
    },
  }
}

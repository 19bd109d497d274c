import { SignalingRequestError } from './request-error'
import type { ResolvedLimits } from './server-options'

/** A token bucket whose rate and size may change between takes (a member's share of its room's budget). */
export interface TokenBucket {
  /** Takes `cost` tokens when there are that many; false (and nothing taken) when not. */
  take(cost: number, rate: number, burst: number, now?: number): boolean
  /** Milliseconds until `cost` tokens are there at `rate` (0 when they are). */
  waitFor(cost: number, rate: number): number
}

export function createTokenBucket(initial: number, start: number = Date.now()): TokenBucket {
  let tokens = initial
  let refilledAt = start
  return {
    take(cost, rate, burst, now = Date.now()) {
      const elapsed = now - refilledAt
      if (elapsed > 0) {
        tokens = Math.min(burst, tokens + (elapsed / 1000) * rate)
        refilledAt = now
      } else {
        tokens = Math.min(burst, tokens)
      }
      if (tokens < cost) return false
      tokens -= cost
      return true
    },
    waitFor(cost, rate) {
      return tokens >= cost ? 0 : ((cost - tokens) / rate) * 1000
    },
  }
}

/** Entries of the kick cool-down map above which expired ones are swept on the next kick. */
const COOLDOWN_SWEEP_SIZE = 10_000

/**
 * The budgets one signaling process shares between its sockets, beyond each socket's own rate:
 * messages per identity (all its connections together), connections per identity, and the cool-down
 * that keeps a member kicked for flooding from coming straight back. Room delivery budgets are each
 * member's share, kept by the member's session (see `deliveryShare`).
 */
export interface FloodBudgets {
  /** The message bucket of an identity, shared by its connections; released with `release`. */
  identityBucket(identity: string): TokenBucket
  /** Admits a new connection of `identity` to `room`, or throws RATE_LIMITED (cool-down, too many connections). */
  admitConnection(identity: string, room: string, connectionId: string): void
  /** Forgets a connection admitted by `admitConnection` (its engine.io connection closed). */
  releaseConnection(identity: string, connectionId: string): void
  /** Starts the cool-down of `identity` in `room` (it was kicked for flooding). */
  coolDown(identity: string, room: string, now?: number): void
}

export function createFloodBudgets(limits: ResolvedLimits): FloodBudgets {
  const identities = new Map<string, { bucket: TokenBucket; connections: Set<string> }>()
  const cooling = new Map<string, number>()
  const keyOf = (identity: string, room: string) => `${room}\n${identity}`

  return {
    identityBucket(identity) {
      const entry = identities.get(identity)
      if (entry) return entry.bucket
      // A socket served before admitConnection ran (not expected): a bucket of its own.
      return createTokenBucket(limits.identityMessageBurst)
    },
    admitConnection(identity, room, connectionId) {
      const until = cooling.get(keyOf(identity, room))
      const now = Date.now()
      if (until !== undefined) {
        if (until > now) {
          throw new SignalingRequestError('RATE_LIMITED', `Disconnected for flooding: ${identity} may connect to this room again in ${Math.ceil((until - now) / 1000)} s`)
        }
        cooling.delete(keyOf(identity, room))
      }
      let entry = identities.get(identity)
      if (entry && entry.connections.size >= limits.connectionsPerIdentity) {
        throw new SignalingRequestError('RATE_LIMITED', `Too many connections: at most ${limits.connectionsPerIdentity} per identity`)
      }
      if (!entry) {
        entry = { bucket: createTokenBucket(limits.identityMessageBurst, now), connections: new Set() }
        identities.set(identity, entry)
      }
      entry.connections.add(connectionId)
    },
    releaseConnection(identity, connectionId) {
      const entry = identities.get(identity)
      if (!entry) return
      entry.connections.delete(connectionId)
      if (entry.connections.size === 0) identities.delete(identity)
    },
    coolDown(identity, room, now = Date.now()) {
      if (limits.kickCooldown <= 0) return
      if (cooling.size >= COOLDOWN_SWEEP_SIZE) for (const [key, until] of cooling) if (until <= now) cooling.delete(key)
      cooling.set(keyOf(identity, room), now + limits.kickCooldown)
    },
  }
}

/**
 * A member's share of its room's delivery budget: the room's rate and burst divided by the members
 * this process serves in it, so the room as a whole stays within `roomDeliveriesPerSecond` and a member
 * that floods spends its own share, never the others'.
 */
export function deliveryShare(limits: ResolvedLimits, members: number): { rate: number; burst: number } {
  const divisor = Math.max(members, 1)
  // At least one broadcast's worth (members − 1 deliveries), so that a large room still lets each member speak.
  return { rate: limits.roomDeliveriesPerSecond / divisor, burst: Math.max(limits.roomDeliveryBurst / divisor, members - 1) }
}

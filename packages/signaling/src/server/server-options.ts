import { CallportError } from '@callport/core'
import type { ServerOptions } from 'socket.io'
import { MAX_MESSAGE_BYTES } from '../shared/protocol'
import type { PasswordVerifier } from './authenticate'
import type { RedisScaleOutOptions } from './redis-scale-out'
import { SIGNALING_PROVIDER } from '../shared/provider-id'

/** Bounds on what one socket may send. */
export interface SignalingLimits {
  /** Largest `request` message, in bytes of JSON; larger ones are answered `PAYLOAD_TOO_LARGE`. Default 64 KiB. */
  maxMessageBytes?: number
  /**
   * Largest socket.io packet; a larger one closes the connection (socket.io `maxHttpBufferSize`).
   * Default `maxMessageBytes` + 64 KiB, so that moderately oversized messages get a `PAYLOAD_TOO_LARGE` answer.
   */
  maxPacketBytes?: number
  /** Sustained messages per second per socket (token bucket refill rate). Default 50. */
  messagesPerSecond?: number
  /** Messages a socket may send at once before the rate applies (token bucket size). Default 100. */
  messageBurst?: number
  /** Rate-limited messages within 10 seconds after which the socket is kicked (`removed`). Default 200. */
  rejectedMessagesBeforeKick?: number
}

/** socket.io heartbeats, which detect dead connections. */
export interface SignalingHeartbeat {
  /** Milliseconds between pings (socket.io `pingInterval`). Default 25000. */
  intervalMs?: number
  /** Milliseconds to wait for a pong before closing (socket.io `pingTimeout`). Default 20000. */
  timeoutMs?: number
}

/** Options of `createSignalingServer`. */
export interface SignalingServerOptions {
  /** HS256 secret shared with the server half, at least 32 bytes. Default: `CALLPORT_SIGNALING_SECRET`. */
  secret?: string
  /** Share rooms between several server processes through Redis. */
  redis?: RedisScaleOutOptions
  /** socket.io path. Default `/socket.io`. */
  path?: string
  limits?: SignalingLimits
  heartbeat?: SignalingHeartbeat
  /**
   * Accepts VT-style `{"password": "…"}` credentials by asking this function. Without it, password
   * credentials are refused.
   */
  allowPasswords?: PasswordVerifier
  /** socket.io CORS settings, for pages served from another origin than the signaling server. */
  cors?: ServerOptions['cors']
  /** Where unexpected errors go (a Redis outage, a bug). Default: `console.error`. */
  onError?: (error: unknown) => void
}

export interface ResolvedLimits {
  maxMessageBytes: number
  maxPacketBytes: number
  messagesPerSecond: number
  messageBurst: number
  rejectedMessagesBeforeKick: number
}

export const REJECTION_WINDOW_MS = 10_000
const PACKET_HEADROOM_BYTES = 64 * 1024

/** Limits with defaults applied. Throws `INVALID_INPUT` for a limit that is not a positive number. */
export function resolveLimits(limits: SignalingLimits = {}): ResolvedLimits {
  const maxMessageBytes = limits.maxMessageBytes ?? MAX_MESSAGE_BYTES
  const resolved: ResolvedLimits = {
    maxMessageBytes,
    maxPacketBytes: limits.maxPacketBytes ?? maxMessageBytes + PACKET_HEADROOM_BYTES,
    messagesPerSecond: limits.messagesPerSecond ?? 50,
    messageBurst: limits.messageBurst ?? 100,
    rejectedMessagesBeforeKick: limits.rejectedMessagesBeforeKick ?? 200,
  }
  for (const [name, value] of Object.entries(resolved)) {
    if (typeof value !== 'number' || !(value > 0)) {
      throw new CallportError('INVALID_INPUT', `createSignalingServer(): limits.${name} must be a positive number, got ${String(value)}`, { provider: SIGNALING_PROVIDER })
    }
  }
  return resolved
}

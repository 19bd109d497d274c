import { CallportError } from '@callport/core'
import { loadSettings, parseInput, type ProviderSettingsBase } from '@callport/provider-utils'
import type { ServerOptions } from 'socket.io'
import * as z from 'zod/mini'
import { MAX_MESSAGE_BYTES } from '../shared/protocol'
import { SIGNALING_PROVIDER } from '../shared/provider-id'
import type { PasswordVerifier } from './authenticate'
import { PathSchema, SECRET_ENVIRONMENT_VARIABLE, SecretSchema } from './settings'

/** Bounds on what one socket may send. */
export interface SignalingLimits {
  /** Largest `request` message, in bytes of JSON; larger ones are answered `PAYLOAD_TOO_LARGE`. Default 64 KiB. */
  maximumMessageBytes?: number
  /**
   * Largest socket.io packet; a larger one closes the connection (socket.io `maxHttpBufferSize`).
   * Default `maximumMessageBytes` + 64 KiB, so that moderately oversized messages get a `PAYLOAD_TOO_LARGE` answer.
   */
  maximumPacketBytes?: number
  /** Sustained messages per second per socket (token bucket refill rate). Default 50. */
  messagesPerSecond?: number
  /** Messages a socket may send at once before the rate applies (token bucket size). Default 100. */
  messageBurst?: number
  /**
   * Rate-limited messages within 10 seconds after which the socket is kicked (`removed`); refusals by
   * the identity and room budgets below count too. Default 200.
   */
  rejectedMessagesBeforeKick?: number
  /**
   * Sustained messages per second of one identity, all its connections to this process together (so
   * that opening more sockets buys no more messages). Default 100.
   */
  identityMessagesPerSecond?: number
  /** Messages one identity may send at once before `identityMessagesPerSecond` applies. Default 200. */
  identityMessageBurst?: number
  /** Connections one identity may hold at once to this process; more are refused `RATE_LIMITED` at the handshake. Default 10. */
  connectionsPerIdentity?: number
  /**
   * Deliveries per second a room may cause on this process: a message to one member is one delivery, a
   * `data` broadcast one per other member. Each member gets an equal share (this rate divided by the
   * room's members), so a member that floods spends its own share only; over it, `RATE_LIMITED`. Default 5000.
   */
  roomDeliveriesPerSecond?: number
  /** Deliveries a room may cause at once before `roomDeliveriesPerSecond` applies (shared alike). Default 10000. */
  roomDeliveryBurst?: number
  /**
   * Milliseconds during which an identity kicked for flooding may not connect to the same room again
   * (the handshake is refused `RATE_LIMITED`, saying when to retry); 0 turns the cool-down off. Default 30000.
   */
  kickCooldown?: number
  /**
   * Milliseconds a new engine.io connection has to send its credentials and be accepted; one that has
   * not by then is dropped at once (socket.io alone held such connections 45 s). Default 5000.
   */
  handshakeTimeout?: number
  /** @deprecated Use `maximumMessageBytes`. */
  maxMessageBytes?: number
  /** @deprecated Use `maximumPacketBytes`. */
  maxPacketBytes?: number
}

/** socket.io heartbeats, which detect dead connections. */
export interface SignalingHeartbeat {
  /** Milliseconds between pings (socket.io `pingInterval`). Default 25000. */
  interval?: number
  /** Milliseconds to wait for a pong before closing (socket.io `pingTimeout`). Default 20000. */
  timeout?: number
  /** @deprecated Use `interval` (milliseconds). */
  intervalMs?: number
  /** @deprecated Use `timeout` (milliseconds). */
  timeoutMs?: number
}

/** Scale-out through Redis: several signaling processes share rooms. */
export interface RedisScaleOutOptions {
  /** `redis://` (or `rediss://`) URL of a standalone Redis. */
  url: string
  /** Prefix of every key and pub/sub channel. Default `callport:signaling`. */
  keyPrefix?: string
  /** Milliseconds without a heartbeat after which a process counts as dead. Default 10000. */
  nodeTimeout?: number
  /** Milliseconds between sweeps for dead processes. Default 5000. */
  sweepInterval?: number
  /** @deprecated Use `nodeTimeout` (milliseconds). */
  nodeTimeoutMs?: number
  /** @deprecated Use `sweepInterval` (milliseconds). */
  sweepIntervalMs?: number
}

/** Options of `createSignalingServer`. */
export interface SignalingServerOptions extends ProviderSettingsBase {
  /**
   * HS256 secret shared with the server half: at least 32 bytes, and random (obviously low-entropy
   * secrets, such as one character repeated, are refused). Default: `CALLPORT_SIGNALING_SECRET`.
   */
  secret?: string
  /** Share rooms between several server processes through Redis. */
  redis?: RedisScaleOutOptions | undefined
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
  maximumMessageBytes: number
  maximumPacketBytes: number
  messagesPerSecond: number
  messageBurst: number
  rejectedMessagesBeforeKick: number
  identityMessagesPerSecond: number
  identityMessageBurst: number
  connectionsPerIdentity: number
  roomDeliveriesPerSecond: number
  roomDeliveryBurst: number
  kickCooldown: number
  handshakeTimeout: number
}

export interface ResolvedRedisScaleOut {
  url: string
  keyPrefix: string
  nodeTimeout: number
  sweepInterval: number
}

export interface ResolvedServerOptions {
  secret: string
  path: string
  limits: ResolvedLimits
  heartbeat: { interval: number; timeout: number }
  redis: ResolvedRedisScaleOut | undefined
  allowPasswords: PasswordVerifier | undefined
  cors: ServerOptions['cors'] | undefined
  onError: (error: unknown) => void
}

/** Milliseconds in which rate-limited messages are counted towards a kick. */
export const REJECTION_WINDOW_MILLISECONDS = 10_000
const PACKET_HEADROOM_BYTES = 64 * 1024

/** A positive number; `Infinity` counts (no limit), `NaN` does not. */
const positive = z.custom<number>((value) => typeof value === 'number' && value > 0, { error: 'must be a positive number' })
/** A positive, finite number of milliseconds. */
const milliseconds = z.number().check(z.gt(0, 'must be a positive number of milliseconds'))
/** A finite number of milliseconds, 0 or more. */
const millisecondsOrZero = z.number().check(z.gte(0, 'must be 0 or a positive number of milliseconds'))
/** A whole number, 1 or more (`Infinity` counts: no limit). */
const count = z.custom<number>((value) => typeof value === 'number' && value >= 1 && (Number.isInteger(value) || value === Infinity), {
  error: 'must be a whole number, 1 or more',
})
const aFunction = <T>() => z.custom<T>((value) => typeof value === 'function', { error: 'must be a function' })

const ServerOptionsSchema = z.object({
  secret: SecretSchema,
  path: z._default(PathSchema, '/socket.io'),
  redis: z.optional(
    z.strictObject({
      url: z.string().check(z.minLength(1, 'redis.url is required')),
      keyPrefix: z.optional(z.string().check(z.minLength(1))),
      nodeTimeout: z.optional(milliseconds),
      sweepInterval: z.optional(milliseconds),
      nodeTimeoutMs: z.optional(milliseconds),
      sweepIntervalMs: z.optional(milliseconds),
    }),
  ),
  limits: z._default(
    z.strictObject({
      maximumMessageBytes: z.optional(positive),
      maximumPacketBytes: z.optional(positive),
      messagesPerSecond: z.optional(positive),
      messageBurst: z.optional(positive),
      rejectedMessagesBeforeKick: z.optional(positive),
      identityMessagesPerSecond: z.optional(positive),
      identityMessageBurst: z.optional(positive),
      connectionsPerIdentity: z.optional(count),
      roomDeliveriesPerSecond: z.optional(positive),
      roomDeliveryBurst: z.optional(positive),
      kickCooldown: z.optional(millisecondsOrZero),
      handshakeTimeout: z.optional(milliseconds),
      maxMessageBytes: z.optional(positive),
      maxPacketBytes: z.optional(positive),
    }),
    {},
  ),
  heartbeat: z._default(
    z.strictObject({
      interval: z.optional(milliseconds),
      timeout: z.optional(milliseconds),
      intervalMs: z.optional(milliseconds),
      timeoutMs: z.optional(milliseconds),
    }),
    {},
  ),
  allowPasswords: z.optional(aFunction<PasswordVerifier>()),
  cors: z.optional(z.custom<NonNullable<ServerOptions['cors']>>((value) => typeof value === 'object' && value !== null)),
  onError: z.optional(aFunction<(error: unknown) => void>()),
})

const knownOptions = ['secret', 'redis', 'path', 'limits', 'heartbeat', 'allowPasswords', 'cors', 'onError'] as const satisfies readonly (keyof SignalingServerOptions)[]

const SUBJECT = 'createSignalingServer() options'

/** The value of a setting that also has a deprecated name; both given and different is refused. */
function eitherName(current: number | undefined, deprecated: number | undefined, names: [current: string, deprecated: string]): number | undefined {
  if (current !== undefined && deprecated !== undefined && current !== deprecated) {
    throw new CallportError('INVALID_INPUT', `${SUBJECT}: ${names[0]} and its deprecated name ${names[1]} disagree (${current} and ${deprecated}); give ${names[0]} only`, {
      provider: SIGNALING_PROVIDER,
    })
  }
  return current ?? deprecated
}

/**
 * Options with defaults applied: unknown keys refused, the secret from `CALLPORT_SIGNALING_SECRET`
 * when not given, every value checked. Throws `INVALID_INPUT` naming each problem.
 */
export function resolveServerOptions(options: SignalingServerOptions | undefined): ResolvedServerOptions {
  const loaded = loadSettings(options, {
    provider: SIGNALING_PROVIDER,
    subject: SUBJECT,
    known: knownOptions,
    fromEnvironment: { secret: SECRET_ENVIRONMENT_VARIABLE },
  })
  const parsed = parseInput(ServerOptionsSchema, loaded, { subject: `Invalid ${SUBJECT}`, provider: SIGNALING_PROVIDER })
  const { limits, heartbeat, redis } = parsed
  const maximumMessageBytes = eitherName(limits.maximumMessageBytes, limits.maxMessageBytes, ['limits.maximumMessageBytes', 'limits.maxMessageBytes']) ?? MAX_MESSAGE_BYTES
  return {
    secret: parsed.secret,
    path: parsed.path,
    limits: {
      maximumMessageBytes,
      maximumPacketBytes:
        eitherName(limits.maximumPacketBytes, limits.maxPacketBytes, ['limits.maximumPacketBytes', 'limits.maxPacketBytes']) ?? maximumMessageBytes + PACKET_HEADROOM_BYTES,
      messagesPerSecond: limits.messagesPerSecond ?? 50,
      messageBurst: limits.messageBurst ?? 100,
      rejectedMessagesBeforeKick: limits.rejectedMessagesBeforeKick ?? 200,
      identityMessagesPerSecond: limits.identityMessagesPerSecond ?? 100,
      identityMessageBurst: limits.identityMessageBurst ?? 200,
      connectionsPerIdentity: limits.connectionsPerIdentity ?? 10,
      roomDeliveriesPerSecond: limits.roomDeliveriesPerSecond ?? 5_000,
      roomDeliveryBurst: limits.roomDeliveryBurst ?? 10_000,
      kickCooldown: limits.kickCooldown ?? 30_000,
      handshakeTimeout: limits.handshakeTimeout ?? 5_000,
    },
    heartbeat: {
      interval: eitherName(heartbeat.interval, heartbeat.intervalMs, ['heartbeat.interval', 'heartbeat.intervalMs']) ?? 25_000,
      timeout: eitherName(heartbeat.timeout, heartbeat.timeoutMs, ['heartbeat.timeout', 'heartbeat.timeoutMs']) ?? 20_000,
    },
    redis:
      redis === undefined
        ? undefined
        : {
            url: redis.url,
            keyPrefix: redis.keyPrefix ?? 'callport:signaling',
            nodeTimeout: eitherName(redis.nodeTimeout, redis.nodeTimeoutMs, ['redis.nodeTimeout', 'redis.nodeTimeoutMs']) ?? 10_000,
            sweepInterval: eitherName(redis.sweepInterval, redis.sweepIntervalMs, ['redis.sweepInterval', 'redis.sweepIntervalMs']) ?? 5_000,
          },
    allowPasswords: parsed.allowPasswords,
    cors: parsed.cors,
    onError: parsed.onError ?? ((error: unknown) => console.error('[callport/signaling]', error)),
  }
}

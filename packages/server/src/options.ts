import { CallportError, specificationVersion, type Role, type ServerAdapter } from '@callport/core'
import { resolveInvitesOptions, type InvitePolicy, type InvitesOptions } from './invites/invite-options'
import * as z from 'zod/mini'
import { consoleLogger, safeLogger, type Logger } from './logger'
import { RateLimitsOptionsSchema, resolveRateLimits, type RateLimitPolicy, type RateLimitsOptions } from './rate-limit'
import { defaultModerationPolicy, type ModerationPolicy } from './moderation'
import { isSerializedOrigin } from './request-guard'
import { createMemoryRoomStore, type RoomStore } from './room-store'
import type { RouteFunction } from './routing'

/** A participant as the app describes it; `role` defaults to `'publisher'`. */
export interface ParticipantInput {
  identity: string
  name?: string
  role?: Role
  metadata?: Record<string, unknown>
}

/**
 * Decides who a request comes from, from its cookies or headers (its body has already been read).
 * Returns null to refuse it (401 UNAUTHORIZED); may throw a CallportError such as FORBIDDEN.
 * `room` is the room the request is about, when it names one. Under `toNodeHandler`, `request.signal`
 * aborts when the client goes away before its answer.
 */
export type Authorize = (request: Request, context: { room?: string }) => Promise<ParticipantInput | null>

export interface CallServerOptions {
  /** The providers this server can put rooms on, in failover order. At least one; ids unique. */
  providers: readonly ServerAdapter[]
  /** Chooses the provider of each new room. Default: the first provider. */
  route?: RouteFunction
  /** Required: there are no anonymous tokens. */
  authorize: Authorize
  /** Lifetime of issued tokens. Default 3600; must be within every provider's bounds. */
  tokenTtlSeconds?: number
  /** Path the HTTP API is mounted under, such as `/calls`. Default: none. */
  basePath?: string
  /** Where live rooms are recorded. Default: in this process's memory. */
  roomStore?: RoomStore
  /**
   * How long, in seconds, a room's record outlives its last join: a join to a recorded room uses the
   * record (no vendor request to place it) and pushes its expiry back (a write at most once per tenth
   * of this time, so a record expires between 0.9× and 1× this long after its last join). After it
   * expires the room is placed anew, through `route`, so that a missed `room-ended` webhook cannot pin
   * a room to a provider forever. A positive whole number; default 86400 (24 hours).
   */
  roomIdleSeconds?: number
  /**
   * The public URL a webhook was posted to, as the vendor saw it; vendors such as Twilio sign it.
   * Default: `request.url`, which is wrong behind a proxy that rewrites the host or path.
   */
  webhookUrl?: (request: Request) => string | undefined
  /**
   * Where the server writes what went wrong, one structured line each: failed joins (`join-failed`:
   * room, identity, provider, code, status, latency in milliseconds), vendor faults (`vendor-fault`:
   * provider, operation, code, vendor status and a bounded, redacted excerpt of the vendor body),
   * refused webhooks (`webhook-refused`), rate-limit hits (`rate-limited`) and unexpected errors
   * (`internal-error`; `invite-failed` for the invite notifier and store). Never a token, secret, cookie
   * or Authorization header. A pino logger fits as is (`{ info, warn, error }`, each `(fields, message)`).
   * Default: one JSON line per entry on the console.
   */
  logger?: Logger
  /**
   * @deprecated Use `logger`: it receives the same errors (as `error` lines) and more. When given, it is
   * still called with every unexpected error the HTTP API answers 500 for, every error of the invite
   * notifier, and every invite store error in work nobody awaits, besides the logger.
   */
  onError?: (error: unknown) => void
  /** The ring-and-retry flow (`calls.invite`, `POST /invites`): off unless given. */
  invites?: InvitesOptions
  /**
   * Limits per identity, callee and room, so that one user cannot hurt others: 429 RATE_LIMITED with
   * `Retry-After` beyond them. On by default (joins: 30 per identity per minute; invites: 10 per caller,
   * 5 per callee, 30 per room per minute); `false` turns them off. Counters live in this process unless
   * `store` is shared (`createRedisRateLimitStore` from `@callport/server/redis`).
   */
  rateLimits?: RateLimitsOptions | false
  /**
   * Origins (such as `https://app.example.com`) whose pages may call the state-changing routes from
   * another origin: a request whose browser says it is cross-site or same-site (`Sec-Fetch-Site`) is
   * refused (403) unless its `Origin` is listed. Serve CORS for exactly these origins in front of the
   * handler. Default: none (same-origin pages only).
   */
  allowedOrigins?: readonly string[]
  /**
   * Who may moderate: list a room's participants, remove or mute one, close the room (over HTTP, and
   * programmatic calls that pass an `actor`). Called with `{ action, room, actor, identity?, kind? }`;
   * true allows, false refuses with 403 FORBIDDEN. Default: the actor's `role` is `'moderator'` (the
   * participant `authorize(request, { room })` returned for that room).
   */
  moderation?: ModerationPolicy
}

/** Every option `createCallServer` knows; others are refused. */
export const callServerOptionNames = [
  'providers',
  'route',
  'authorize',
  'tokenTtlSeconds',
  'basePath',
  'roomStore',
  'roomIdleSeconds',
  'webhookUrl',
  'logger',
  'onError',
  'invites',
  'rateLimits',
  'allowedOrigins',
  'moderation',
] as const satisfies readonly (keyof CallServerOptions)[]

/** Options after validation, with defaults applied. */
export interface CallServerConfig {
  adapters: ReadonlyMap<string, ServerAdapter>
  route: RouteFunction
  authorize: Authorize
  tokenTtlSeconds: number
  basePath: string
  store: RoomStore
  roomIdleSeconds: number
  webhookUrl: (request: Request) => string | undefined
  logger: Logger
  /** Reports an unexpected error: to the logger (`event` names what failed) and to the deprecated `onError`. */
  onError: (error: unknown, event?: string) => void
  invites: InvitePolicy | undefined
  rateLimits: RateLimitPolicy | undefined
  allowedOrigins: ReadonlySet<string>
  moderation: ModerationPolicy
}

const DEFAULT_TOKEN_TTL_SECONDS = 3600
const DEFAULT_ROOM_IDLE_SECONDS = 86_400

function invalid(message: string): CallportError {
  return new CallportError('INVALID_INPUT', `createCallServer: ${message}`)
}

/** Validates the options of `createCallServer`, throwing INVALID_INPUT with a precise message. */
export function resolveOptions(options: CallServerOptions): CallServerConfig {
  if (typeof options !== 'object' || options === null) throw invalid('options are required')
  const unknown = Object.keys(options).filter((key) => !(callServerOptionNames as readonly string[]).includes(key))
  if (unknown.length > 0) throw invalid(`unknown option ${unknown.map((key) => JSON.stringify(key)).join(', ')}; known: ${callServerOptionNames.join(', ')}`)
  const adapters = resolveAdapters(options.providers)
  if (typeof options.authorize !== 'function') throw invalid('authorize is required (there are no anonymous tokens)')
  if (options.route !== undefined && typeof options.route !== 'function') throw invalid('route must be a function')
  const tokenTtlSeconds = options.tokenTtlSeconds ?? DEFAULT_TOKEN_TTL_SECONDS
  for (const adapter of adapters.values()) checkTokenTtl(adapter, tokenTtlSeconds)
  const first = adapters.values().next().value as ServerAdapter
  const logger = safeLogger(parseOption(LoggerSchema, options.logger, 'logger') ?? consoleLogger)
  const { onError } = options
  if (onError !== undefined && typeof onError !== 'function') throw invalid('onError must be a function')
  if (options.moderation !== undefined && typeof options.moderation !== 'function') {
    throw invalid('moderation must be a function ({ action, room, actor, identity?, kind? }) => boolean | Promise<boolean>')
  }
  return {
    adapters,
    route: options.route ?? (() => first.provider),
    authorize: options.authorize,
    tokenTtlSeconds,
    basePath: resolveBasePath(options.basePath),
    store: options.roomStore ?? createMemoryRoomStore(),
    roomIdleSeconds: resolveRoomIdleSeconds(options.roomIdleSeconds),
    webhookUrl: options.webhookUrl ?? (() => undefined),
    logger,
    onError: (error, event = 'internal-error') => {
      logger.error({ event, err: error }, 'Unexpected error')
      if (onError) {
        try {
          onError(error)
        } catch {
          // The app's handler failed; the logger has the error.
        }
      }
    },
    invites: options.invites === undefined ? undefined : resolveInvitesOptions(options.invites),
    rateLimits: options.rateLimits === false ? undefined : resolveRateLimits(parseOption(RateLimitsOptionsSchema, options.rateLimits, 'rateLimits')),
    allowedOrigins: resolveAllowedOrigins(options.allowedOrigins),
    moderation: options.moderation ?? defaultModerationPolicy,
  }
}

const LoggerSchema = z.custom<Logger>(
  (value) =>
    typeof value === 'object' && value !== null && ['info', 'warn', 'error'].every((level) => typeof (value as unknown as Record<string, unknown>)[level] === 'function'),
  { error: 'must have info, warn and error methods, each (fields, message), like pino' },
)

/** Parses an optional option with zod, throwing INVALID_INPUT naming it and the first issue. */
function parseOption<T>(schema: z.ZodMiniType<T>, value: unknown, name: string): T | undefined {
  if (value === undefined) return undefined
  const result = schema.safeParse(value)
  if (result.success) return result.data
  const issue = result.error.issues[0]
  const where = issue && issue.path.length > 0 ? `${name}.${issue.path.map(String).join('.')}` : name
  const message = issue?.code === 'unrecognized_keys' ? `unknown option ${issue.keys.map((key) => JSON.stringify(key)).join(', ')}` : (issue?.message ?? 'invalid')
  throw invalid(`${where}: ${message}`)
}

function resolveAllowedOrigins(origins: readonly string[] | undefined): ReadonlySet<string> {
  if (origins === undefined) return new Set()
  if (!Array.isArray(origins)) throw invalid('allowedOrigins must be an array of origins such as "https://app.example.com"')
  for (const origin of origins) {
    if (typeof origin !== 'string' || !isSerializedOrigin(origin)) {
      throw invalid(`allowedOrigins: ${JSON.stringify(origin)} is not an origin (scheme://host[:port], no path or trailing slash)`)
    }
  }
  return new Set(origins)
}

function resolveAdapters(providers: readonly ServerAdapter[] | undefined): Map<string, ServerAdapter> {
  if (!Array.isArray(providers) || providers.length === 0) throw invalid('providers must be a non-empty array of server adapters')
  const adapters = new Map<string, ServerAdapter>()
  providers.forEach((adapter: ServerAdapter, index) => {
    if (typeof adapter !== 'object' || adapter === null) throw invalid(`providers[${index}] is not a server adapter`)
    if (adapter.specificationVersion !== specificationVersion) {
      throw invalid(
        `provider "${String(adapter.provider)}" implements adapter specification ${JSON.stringify(adapter.specificationVersion)}; this server supports ${JSON.stringify(specificationVersion)}`,
      )
    }
    if (typeof adapter.provider !== 'string' || adapter.provider.length === 0) throw invalid(`providers[${index}] has no provider id`)
    if (adapters.has(adapter.provider)) throw invalid(`provider "${adapter.provider}" is configured twice; provider ids must be unique`)
    adapters.set(adapter.provider, adapter)
  })
  return adapters
}

/** Throws INVALID_INPUT unless `ttlSeconds` is a whole number within the adapter's bounds. */
export function checkTokenTtl(adapter: ServerAdapter, ttlSeconds: number, label = 'tokenTtlSeconds'): void {
  const { min, max } = adapter.capabilities.tokenTtlSeconds
  if (!Number.isInteger(ttlSeconds) || ttlSeconds < min || ttlSeconds > max) {
    throw new CallportError('INVALID_INPUT', `${label} ${ttlSeconds} is outside what provider "${adapter.provider}" accepts: ${min}…${max} seconds`, {
      provider: adapter.provider,
    })
  }
}

function resolveRoomIdleSeconds(seconds: number | undefined): number {
  if (seconds === undefined) return DEFAULT_ROOM_IDLE_SECONDS
  if (!Number.isInteger(seconds) || seconds < 1) throw invalid(`roomIdleSeconds must be a positive whole number, got ${String(seconds)}`)
  return seconds
}

function resolveBasePath(basePath: string | undefined): string {
  if (basePath === undefined || basePath === '' || basePath === '/') return ''
  if (typeof basePath !== 'string' || !basePath.startsWith('/') || /[?#\s]/.test(basePath)) {
    throw invalid(`basePath must be a path starting with "/", such as "/calls"; got ${JSON.stringify(basePath)}`)
  }
  return basePath.replace(/\/+$/, '')
}

import { CallportError, type ClientAdapter, type LocalTrack } from '@callport/core'
import type { TokenSourceOption } from './token-source'

/** Bounds of the session's own reconnection, after the provider dropped the call. */
export interface ReconnectOptions {
  /** Attempts before giving up; 0 turns reconnection off. Default 5. */
  maximumAttempts?: number
  /** Delay before the first attempt, in milliseconds, doubling with each attempt (with jitter). Default 500. */
  initialDelay?: number
  /** Longest delay between attempts, in milliseconds. Default 10 000. */
  maximumDelay?: number
  /** @deprecated Use `maximumAttempts`. */
  maxAttempts?: number
  /** @deprecated Use `initialDelay` (milliseconds). */
  initialDelayMs?: number
  /** @deprecated Use `maximumDelay` (milliseconds). */
  maxDelayMs?: number
}

export interface SessionOptions {
  /** Client adapters of the providers this page can use; the token's `provider` picks one. */
  adapters: readonly ClientAdapter[]
  /**
   * The URL of a Callport join endpoint (POSTed `{ room }` as JSON, answering `{ room, token }`);
   * or `{ url, headers, credentials }` to send the app's own headers (an object, or a function,
   * possibly async, called for each request) and a `fetch` credentials mode with it (the invites
   * endpoint gets them too); or a function that returns a Token or a JoinResponse.
   */
  token: TokenSourceOption
  /** Refresh this many seconds before `expiresAt`. Default: 10% of the token's lifetime, at least 30 s. */
  refreshLeadSeconds?: number
  reconnect?: ReconnectOptions
  /**
   * URL of the Callport server's invites endpoint, for `session.invite` and `session.settleInvite`.
   * Default: beside `token` when it is a URL, or `{ url }` (`/calls/join` → `/calls/invites`), sent with its headers and credentials.
   */
  invites?: string
}

export interface JoinOptions {
  /** Publish the microphone. Default: true (or the last `setMicrophoneEnabled` choice). */
  audio?: boolean
  /** Publish the camera. Default: true (or the last `setCameraEnabled` choice). */
  video?: boolean
  /** Where a `view`-style provider renders its UI. */
  container?: HTMLElement
  /** Cancels the join (token fetch and connect); the join then rejects with ABORTED. */
  signal?: AbortSignal
  /**
   * Tracks of a preview (`createLocalTracks`) to publish instead of capturing again, so the user is
   * not asked twice; used by adapters with `capabilities.localTracks` (others capture their own).
   * The page keeps owning them: stop them after `leave()`.
   */
  tracks?: readonly LocalTrack[]
}

export const joinOptionNames = ['audio', 'video', 'container', 'signal', 'tracks'] as const satisfies readonly (keyof JoinOptions)[]

/** The reconnection bounds with every default filled in (delays in milliseconds). */
export interface ReconnectSettings {
  maximumAttempts: number
  initialDelay: number
  maximumDelay: number
}

/**
 * Refuses the first key of `given` that is not `known`, by name (INVALID_INPUT), so that a misspelt option
 * is not silently ignored. Kept local rather than `loadSettings` of provider-utils: the client's
 * browser bundle budget has no room for it.
 */
export function refuseUnknownOptions(given: object, known: readonly string[], subject: string): void {
  for (const key in given) if (!known.includes(key)) throw new CallportError('INVALID_INPUT', `${subject}: unknown option "${key}" (known: ${known.join(', ')})`)
}

export const sessionOptionNames = ['adapters', 'token', 'refreshLeadSeconds', 'reconnect', 'invites'] as const satisfies readonly (keyof SessionOptions)[]

const reconnectOptionNames = [
  'maximumAttempts',
  'initialDelay',
  'maximumDelay',
  'maxAttempts',
  'initialDelayMs',
  'maxDelayMs',
] as const satisfies readonly (keyof ReconnectOptions)[]

export function reconnectSettings(options: ReconnectOptions = {}): ReconnectSettings {
  refuseUnknownOptions(options, reconnectOptionNames, 'reconnect')
  return {
    maximumAttempts: options.maximumAttempts ?? options.maxAttempts ?? 5,
    initialDelay: options.initialDelay ?? options.initialDelayMs ?? 500,
    maximumDelay: options.maximumDelay ?? options.maxDelayMs ?? 10_000,
  }
}

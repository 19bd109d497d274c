import type { ClientAdapter } from '@callport/core'
import type { TokenSourceOption } from './token-source'

/** Bounds of the session's own reconnection, after the provider dropped the call. */
export interface ReconnectOptions {
  /** Attempts before giving up; 0 turns reconnection off. Default 5. */
  maxAttempts?: number
  /** Delay before the first attempt, doubling with each attempt (with jitter). Default 500 ms. */
  initialDelayMs?: number
  /** Longest delay between attempts. Default 10 000 ms. */
  maxDelayMs?: number
}

export interface SessionOptions {
  /** Client adapters of the providers this page can use; the token's `provider` picks one. */
  adapters: readonly ClientAdapter[]
  /**
   * The URL of a Callport join endpoint (POSTed `{ room }` as JSON, answering `{ room, token }`),
   * or a function that returns a Token or a JoinResponse.
   */
  token: TokenSourceOption
  /** Refresh this many seconds before `expiresAt`. Default: 10% of the token's lifetime, at least 30 s. */
  refreshLeadSeconds?: number
  reconnect?: ReconnectOptions
  /**
   * URL of the Callport server's invites endpoint, for `session.invite` and `session.settleInvite`.
   * Default: beside `token` when it is a URL (`/calls/join` → `/calls/invites`).
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
}

/** `ReconnectOptions` with every default filled in. */
export type ReconnectSettings = Required<ReconnectOptions>

export function reconnectSettings(options: ReconnectOptions = {}): ReconnectSettings {
  return {
    maxAttempts: options.maxAttempts ?? 5,
    initialDelayMs: options.initialDelayMs ?? 500,
    maxDelayMs: options.maxDelayMs ?? 10_000,
  }
}

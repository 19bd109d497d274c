import { CallportError } from '@callport/core'
import { loadSettings, parseInput } from '@callport/provider-utils'
import * as z from 'zod/mini'
import { SIGNALING_PROVIDER } from '../shared/provider-id'
import type { SocketFactory, SocketFactoryOptions } from './load-sdk'
import type { SignalingWebrtc } from './webrtc'

/** Options of the signaling client adapter, `signaling(options)` from `@callport/signaling/client`. */
export interface SignalingClientOptions {
  /**
   * WebRTC implementation (peer connections, camera and microphone). Defaults to the browser's.
   * Where there is none (Node), the adapter still joins rooms, lists participants and sends data,
   * but publishes and receives no media.
   */
  webrtc?: SignalingWebrtc
  /** Configuration of every peer connection, e.g. `{ iceServers: [{ urls: 'stun:…' }] }`. Default: none (host candidates). */
  rtcConfiguration?: RTCConfiguration
  /**
   * The name others see (`display_name`), when the credential carries none: the server keeps the
   * name of the token it issued over this one.
   */
  displayName?: string
  /**
   * Connect with a VT licence password instead of the token's credential (`auth={"password":…}`),
   * for VT-compatible signaling servers; the username is still the token's identity.
   */
  password?: string
  /**
   * socket.io-client's `io` (or a wrapper of it, with the signature `(url, options) => Socket`), for
   * HTTP long-polling or instrumentation. Default: the adapter's own socket.io client over one
   * WebSocket (2 KiB instead of socket.io-client's 13 KiB gzip; needs a `WebSocket` global).
   */
  sdk?: SocketFactory
  /** @deprecated Use `sdk`. */
  io?: SocketFactory
  /**
   * socket.io transports, in the order tried. Default: `['websocket']`, and with an `sdk`
   * `['websocket', 'polling']` (HTTP long-polling when WebSocket fails). Any transport but WebSocket
   * needs socket.io-client as `sdk`.
   */
  transports?: SocketFactoryOptions['transports']
  /** How long connecting (socket, room id and join) may take. Default 10000 ms. */
  connectTimeoutMilliseconds?: number
  /** How long the server may take to answer one request. Default 10000 ms. */
  requestTimeoutMilliseconds?: number
  /**
   * How long the adapter tries to bring a dropped signaling socket back (re-joining and restarting
   * ICE) before it gives up with `disconnected` `connection-lost`. Default 15000 ms.
   */
  reconnectTimeoutMilliseconds?: number
  /**
   * How long a member whose socket dropped stays in the room while the peer connection to it still
   * works, so that its reconnection is invisible. Default 15000 ms; 0 reports it as left at once.
   */
  peerReconnectGraceMilliseconds?: number
  /** A token that expires within this margin is refreshed before reconnecting. Default 30 s. */
  tokenRefreshMarginSeconds?: number
  /** Where failures that do not end the call go (a peer's bad offer, a lost ICE candidate). Default: console.warn. */
  onError?: (error: CallportError) => void
}

export interface ResolvedClientOptions {
  displayName: string | undefined
  webrtc: SignalingWebrtc | undefined
  rtcConfiguration: RTCConfiguration | undefined
  password: string | undefined
  sdk: SocketFactory | undefined
  transports: SocketFactoryOptions['transports']
  connectTimeoutMilliseconds: number
  requestTimeoutMilliseconds: number
  reconnectTimeoutMilliseconds: number
  peerReconnectGraceMilliseconds: number
  tokenRefreshMarginSeconds: number
  onError: (error: CallportError) => void
}

const SUBJECT = 'Signaling client options'

const knownOptions = [
  'webrtc',
  'rtcConfiguration',
  'displayName',
  'password',
  'sdk',
  'io',
  'transports',
  'connectTimeoutMilliseconds',
  'requestTimeoutMilliseconds',
  'reconnectTimeoutMilliseconds',
  'peerReconnectGraceMilliseconds',
  'tokenRefreshMarginSeconds',
  'onError',
] as const satisfies readonly (keyof SignalingClientOptions)[]

const positive = z.number().check(z.gt(0, 'must be a positive number'))
const notNegative = z.number().check(z.gte(0, 'must be 0 or more'))
const anObject = <T>() => z.custom<T>((value) => typeof value === 'object' && value !== null, { error: 'must be an object' })
const aFunction = <T>() => z.custom<T>((value) => typeof value === 'function', { error: 'must be a function' })

const ClientOptionsSchema = z.object({
  webrtc: z.optional(anObject<SignalingWebrtc>()),
  rtcConfiguration: z.optional(anObject<RTCConfiguration>()),
  displayName: z.optional(z.string().check(z.maxLength(256))),
  password: z.optional(z.string().check(z.minLength(1), z.maxLength(1024))),
  sdk: z.optional(aFunction<SocketFactory>()),
  io: z.optional(aFunction<SocketFactory>()),
  transports: z.optional(
    z.custom<NonNullable<SocketFactoryOptions['transports']>>((value) => Array.isArray(value) && value.length > 0, { error: 'must be a non-empty array' }),
  ),
  connectTimeoutMilliseconds: z.optional(positive),
  requestTimeoutMilliseconds: z.optional(positive),
  reconnectTimeoutMilliseconds: z.optional(notNegative),
  peerReconnectGraceMilliseconds: z.optional(notNegative),
  tokenRefreshMarginSeconds: z.optional(notNegative),
  onError: z.optional(aFunction<(error: CallportError) => void>()),
})

/**
 * Options with defaults applied: unknown keys refused (with the closest known one as a hint), every
 * value checked. Throws `INVALID_INPUT`.
 */
export function resolveClientOptions(options: SignalingClientOptions | undefined): ResolvedClientOptions {
  const loaded = loadSettings(options, { provider: SIGNALING_PROVIDER, subject: SUBJECT, known: knownOptions })
  const parsed = parseInput(ClientOptionsSchema, loaded, { subject: `Invalid ${SUBJECT}`, provider: SIGNALING_PROVIDER })
  if (parsed.sdk !== undefined && parsed.io !== undefined && parsed.sdk !== parsed.io) {
    throw new CallportError('INVALID_INPUT', `${SUBJECT}: give sdk only (io is its deprecated name, and the two differ)`, { provider: SIGNALING_PROVIDER })
  }
  const sdk = parsed.sdk ?? parsed.io
  if (sdk === undefined && parsed.transports?.some((transport) => transport !== 'websocket')) {
    throw new CallportError('INVALID_INPUT', `${SUBJECT}: transports other than websocket need socket.io-client: pass its \`io\` as \`sdk\``, {
      provider: SIGNALING_PROVIDER,
    })
  }
  return {
    displayName: parsed.displayName,
    webrtc: parsed.webrtc,
    rtcConfiguration: parsed.rtcConfiguration,
    password: parsed.password,
    sdk,
    transports: parsed.transports ?? (sdk ? ['websocket', 'polling'] : ['websocket']),
    connectTimeoutMilliseconds: parsed.connectTimeoutMilliseconds ?? 10_000,
    requestTimeoutMilliseconds: parsed.requestTimeoutMilliseconds ?? 10_000,
    reconnectTimeoutMilliseconds: parsed.reconnectTimeoutMilliseconds ?? 15_000,
    peerReconnectGraceMilliseconds: parsed.peerReconnectGraceMilliseconds ?? 15_000,
    tokenRefreshMarginSeconds: parsed.tokenRefreshMarginSeconds ?? 30,
    onError: parsed.onError ?? ((error) => console.warn('[callport/signaling]', error)),
  }
}

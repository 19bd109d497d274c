import type { CallportError } from '@callport/core'
import type { ManagerOptions } from 'socket.io-client'
import type { SocketFactory } from './load-sdk'
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
  /** socket.io-client's `io` (or a wrapper of it). Default: socket.io-client, loaded on first connect. */
  io?: SocketFactory
  /**
   * socket.io transports, in the order tried. Default: WebSocket first, HTTP long-polling when
   * WebSocket fails (one round trip less than socket.io's own polling-then-upgrade default).
   */
  transports?: ManagerOptions['transports']
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
  transports: ManagerOptions['transports']
  connectTimeoutMilliseconds: number
  requestTimeoutMilliseconds: number
  reconnectTimeoutMilliseconds: number
  peerReconnectGraceMilliseconds: number
  tokenRefreshMarginSeconds: number
  onError: (error: CallportError) => void
}

export function resolveClientOptions(options: SignalingClientOptions): ResolvedClientOptions {
  return {
    displayName: options.displayName,
    webrtc: options.webrtc,
    rtcConfiguration: options.rtcConfiguration,
    password: options.password,
    transports: options.transports ?? ['websocket', 'polling'],
    connectTimeoutMilliseconds: options.connectTimeoutMilliseconds ?? 10_000,
    requestTimeoutMilliseconds: options.requestTimeoutMilliseconds ?? 10_000,
    reconnectTimeoutMilliseconds: options.reconnectTimeoutMilliseconds ?? 15_000,
    peerReconnectGraceMilliseconds: options.peerReconnectGraceMilliseconds ?? 15_000,
    tokenRefreshMarginSeconds: options.tokenRefreshMarginSeconds ?? 30,
    onError: options.onError ?? ((error) => console.warn('[callport/signaling]', error)),
  }
}

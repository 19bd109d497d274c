import type { ClientAdapter, ClientCapabilities, ConnectOptions, Token } from '@callport/core'
import { defineClientAdapter, iceServersOf } from '@callport/provider-utils/client'
import * as z from 'zod/mini'
import { SIGNALING_PROVIDER } from '../shared/provider-id'
import { resolveClientOptions, type SignalingClientOptions } from './client-options'
import { loadSocketFactory } from './load-sdk'
import { SignalingConnection, type PreparedSocket } from './signaling-connection'

/**
 * What the signaling client half can do: media as tracks (a WebRTC mesh), credentials replaced
 * mid-call (`token_update`), data messages relayed by the signaling server, and the whole call
 * surface: a camera or microphone turned off stays published, muted (`track-muted` /
 * `track-unmuted` from the `audio` / `video` props); the page's preview tracks published as they are
 * (`localTracks`); camera and microphone switched mid-call with `replaceTrack` (the speaker is the
 * session's `setSinkId`), an unplugged one replaced by the default; a screen share (and its audio)
 * as more tracks, in a stream the `screen` prop names so peers report `screen` / `screen-audio`;
 * active speakers and connection quality measured in the page (receivers' audio levels, getStats);
 * `participant-updated` from `props_set` of `display_name` / `metadata`; `muted-by-moderator` from
 * the server's `on_mute`; `prepare(token)` opens the socket and looks up the room ahead of the join.
 */
export const signalingClientCapabilities = {
  media: 'tracks',
  updateToken: true,
  sendData: true,
  trackMuteEvents: true,
  localTracks: true,
  switchDevice: ['camera', 'microphone'],
  screenShare: true,
  screenShareAudio: true,
  activeSpeakers: true,
  connectionQuality: true,
  participantUpdates: true,
  remoteMute: true,
  prepare: true,
} as const satisfies ClientCapabilities

/** What the server half puts in `token.connect`: where socket.io connects (and `iceServers`, read by ice-servers.ts). */
const SignalingConnectParametersSchema = z.object({
  url: z.string().check(z.minLength(1)),
  path: z.optional(z.string()),
})

/** The signaling client adapter. */
export interface SignalingClientAdapter extends ClientAdapter {
  readonly provider: typeof SIGNALING_PROVIDER
  connect(token: Token, options: ConnectOptions): Promise<SignalingConnection>
  /**
   * With a token: opens the socket to its server and looks up its room, so that the `connect` with
   * that token only joins (a prepared socket the server closed meanwhile is replaced at the join).
   */
  prepare(token: Token | undefined, options?: { signal?: AbortSignal }): Promise<void>
}

/**
 * The client half of the built-in provider: joins a room of Callport's signaling server over
 * socket.io and calls every other member over a peer-to-peer mesh of RTCPeerConnections. The socket
 * opens inside `connect()` (with the adapter's own socket.io client over a WebSocket, or the `sdk`
 * given), so importing this touches no browser API.
 */
export function signaling(options?: SignalingClientOptions): SignalingClientAdapter {
  const resolved = resolveClientOptions(options)
  /** The socket the last `prepare(token)` opened (and the room id), for the `connect` with that token. */
  let warm: { token: string; socket: Promise<PreparedSocket | undefined> } | undefined
  const adapter = defineClientAdapter({
    provider: SIGNALING_PROVIDER,
    vendor: 'Signaling',
    capabilities: signalingClientCapabilities,
    connectSchema: SignalingConnectParametersSchema,
    async connect({ token }, connectOptions) {
      // A token whose ICE servers are not ICE servers is refused before anything opens.
      iceServersOf(token)
      const createSocket = await loadSocketFactory(resolved.sdk)
      const prepared = warm?.token === token.value ? warm.socket : undefined
      if (!prepared) void warm?.socket.then((unused) => unused?.socket.disconnect())
      warm = undefined
      return SignalingConnection.open(token, connectOptions, resolved, createSocket, prepared)
    },
    async prepare(request) {
      const createSocket = await loadSocketFactory(resolved.sdk)
      if (!request) return
      void warm?.socket.then((socket) => socket?.socket.disconnect())
      const socket = SignalingConnection.prepareSocket(request.token, resolved, createSocket).catch(() => undefined)
      warm = { token: request.token.value, socket }
      await socket
    },
  })
  return adapter as SignalingClientAdapter
}

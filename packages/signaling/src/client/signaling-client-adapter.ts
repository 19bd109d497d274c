import type { ClientAdapter, ClientCapabilities, ClientConnection, ConnectOptions, Token } from '@callport/core'
import { defineClientAdapter } from '@callport/provider-utils/client'
import * as z from 'zod/mini'
import { SIGNALING_PROVIDER } from '../shared/provider-id'
import { resolveClientOptions, type SignalingClientOptions } from './client-options'
import { loadSocketFactory } from './load-sdk'
import { SignalingConnection } from './signaling-connection'

/**
 * What the signaling client half can do: media as tracks (a WebRTC mesh), credentials replaced
 * mid-call (`token_update`), and data messages relayed by the signaling server.
 *
 * No `track-muted` / `track-unmuted` (`trackMuteEvents: false`) yet: the protocol's member props say
 * only whether the camera and microphone are on (`props.video`, `props.audio`), and a camera turned
 * off is stopped and its sender emptied, so the other side reports it as `track-unsubscribed`. Telling
 * a mute from an unpublish needs a new, optional prop announced beside `video: false` (old peers
 * would go on unsubscribing) and a receiver that keeps the remote track across the sender's
 * `replaceTrack(null)`; that is left for a later change.
 */
export const signalingClientCapabilities: ClientCapabilities = { media: 'tracks', updateToken: true, sendData: true, trackMuteEvents: false }

/** What the server half puts in `token.connect`: where socket.io connects. */
const SignalingConnectParametersSchema = z.object({
  url: z.string().check(z.minLength(1)),
  path: z.optional(z.string()),
})

/** The signaling client adapter. */
export interface SignalingClientAdapter extends ClientAdapter {
  readonly provider: typeof SIGNALING_PROVIDER
  connect(token: Token, options: ConnectOptions): Promise<ClientConnection>
}

/**
 * The client half of the built-in provider: joins a room of Callport's signaling server with
 * socket.io-client and calls every other member over a peer-to-peer mesh of RTCPeerConnections.
 * socket.io-client is loaded inside `connect()` (unless given as `sdk`), so importing this touches
 * no browser API.
 */
export function signaling(options?: SignalingClientOptions): SignalingClientAdapter {
  const resolved = resolveClientOptions(options)
  const adapter = defineClientAdapter({
    provider: SIGNALING_PROVIDER,
    vendor: 'Signaling',
    capabilities: signalingClientCapabilities,
    connectSchema: SignalingConnectParametersSchema,
    async connect({ token }, connectOptions) {
      const createSocket = await loadSocketFactory(resolved.sdk)
      return SignalingConnection.open(token, connectOptions, resolved, createSocket)
    },
  })
  return adapter as typeof adapter & { provider: typeof SIGNALING_PROVIDER }
}

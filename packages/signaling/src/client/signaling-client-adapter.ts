import { CallportError, specificationVersion, type ClientAdapter, type ClientCapabilities } from '@callport/core'
import { resolveClientOptions, type SignalingClientOptions } from './client-options'
import { loadSocketFactory } from './load-sdk'
import { SignalingConnection } from './signaling-connection'
import { SIGNALING_PROVIDER } from '../shared/provider-id'

const capabilities: ClientCapabilities = { media: 'tracks', updateToken: true, sendData: true }

/**
 * The client half of the built-in provider: joins a room of Callport's signaling server with
 * socket.io-client and calls every other member over a peer-to-peer mesh of RTCPeerConnections.
 * socket.io-client is loaded inside `connect()`, so importing this touches no browser API.
 */
export function signaling(options: SignalingClientOptions = {}): ClientAdapter {
  const resolved = resolveClientOptions(options)
  return {
    specificationVersion,
    provider: SIGNALING_PROVIDER,
    capabilities,
    async connect(token, connectOptions) {
      if (connectOptions.signal?.aborted) {
        throw new CallportError('ABORTED', 'The operation was aborted', { provider: SIGNALING_PROVIDER, cause: connectOptions.signal.reason })
      }
      if (token.provider !== SIGNALING_PROVIDER) {
        throw new CallportError('INVALID_INPUT', `The signaling adapter cannot use a ${JSON.stringify(token.provider)} token`, { provider: SIGNALING_PROVIDER })
      }
      const createSocket = await loadSocketFactory(options.io)
      return SignalingConnection.open(token, connectOptions, resolved, createSocket)
    },
  }
}

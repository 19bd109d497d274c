import { CallportError } from '@callport/core'
import { SIGNALING_PROVIDER } from '../shared/provider-id'
import { connectWebSocket, type SocketFactory } from './socket-io-websocket'

export type { SignalingSocket, SocketFactory, SocketFactoryOptions } from './socket-io-websocket'

/**
 * The socket factory the adapter opens sockets with: the injected one (socket.io-client's `io`, or a
 * wrapper), else the built-in WebSocket client, which needs a `WebSocket` global (every browser,
 * Node 22 and later, Deno, Bun).
 */
export async function loadSocketFactory(injected: SocketFactory | undefined): Promise<SocketFactory> {
  if (injected) return injected
  if (typeof WebSocket === 'undefined') {
    throw new CallportError(
      'UNSUPPORTED',
      'No WebSocket in this runtime (Node 20 has none by default): pass socket.io-client’s `io` as the `sdk` option, or set globalThis.WebSocket (the ws package)',
      { provider: SIGNALING_PROVIDER },
    )
  }
  return connectWebSocket
}

import type { ClientConnection, ConnectOptions, Token } from '@callport/core'
import { io, type Socket } from 'socket.io-client'
import { afterAll, afterEach } from 'vitest'
import { signaling } from '../../src/client/index'
import type { SignalingClientOptions, SocketFactory } from '../../src/client/index'
import { createSignalingServer, signaling as signalingServerHalf, type SignalingServer, type SignalingServerOptions } from '../../src/server/index'

/** 48 bytes: long enough for HS256. */
export const SECRET = 'client-test-secret-0123456789-abcdefghijklmnopqrs'

export interface TokenRequest {
  room: string
  identity: string
  name?: string
  ttlSeconds?: number
}

/** socket.io-client's `io`, recording every socket it opens (to drop one, or to read its handshake). */
export function recordingSocketFactory(): { io: SocketFactory; sockets: Socket[] } {
  const sockets: Socket[] = []
  return {
    sockets,
    io: (url, options) => {
      const socket = io(url, options)
      sockets.push(socket)
      return socket
    },
  }
}

let roomCounter = 0
export const uniqueRoom = (label: string): string => `client${Date.now().toString(36)}${++roomCounter}-${label}`

/**
 * A real signaling server on 127.0.0.1 and the server half that issues its tokens. Connections are
 * closed after each test, servers after the file.
 */
export function useSignaling() {
  const servers: SignalingServer[] = []
  const connections: ClientConnection[] = []

  afterEach(async () => {
    await Promise.all(connections.splice(0).map((connection) => connection.disconnect()))
  })
  afterAll(async () => {
    await Promise.all(servers.splice(0).map((server) => server.close()))
  })

  const harness = {
    url: '',
    server: undefined as SignalingServer | undefined,

    async start(options: SignalingServerOptions = {}): Promise<SignalingServer> {
      const server = createSignalingServer({ secret: SECRET, onError: () => undefined, ...options })
      servers.push(server)
      harness.url = (await server.listen({ port: 0, host: '127.0.0.1' })).url
      harness.server = server
      return server
    },

    async token({ room, identity, name, ttlSeconds = 600 }: TokenRequest, secret = SECRET): Promise<Token> {
      const half = signalingServerHalf({ secret, url: harness.url })
      const ensured = await half.ensureRoom({ name: room })
      return half.issueToken({ room: ensured, participant: { identity, role: 'publisher', ...(name ? { name } : {}) }, ttlSeconds })
    },

    async connect(request: TokenRequest, options: SignalingClientOptions = {}, connectOptions: Partial<ConnectOptions> = {}): Promise<ClientConnection> {
      const connection = await signaling(options).connect(await harness.token(request), {
        audio: false,
        video: false,
        refreshToken: () => harness.token(request),
        ...connectOptions,
      })
      connections.push(connection)
      return connection
    },
  }
  return harness
}

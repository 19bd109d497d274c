import type { ClientConnection, ConnectOptions, Token } from '@callport/core'
import { io, type Socket } from 'socket.io-client'
import { afterAll, afterEach } from 'vitest'
import { signaling } from '../../src/client/index'
import type { SignalingClientOptions } from '../../src/client/index'
import type { SocketFactory } from '../../src/client/load-sdk'
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
export function recordingSocketFactory(): { sdk: SocketFactory; sockets: Socket[] } {
  const sockets: Socket[] = []
  return {
    sockets,
    sdk: (url, options) => {
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

export interface Observer {
  socket: Socket
  memberId: string
  /** Every server event received, in order. */
  events: Array<{ event: string; parts: unknown[] }>
  close(): void
}

/** Joins a room with a bare socket.io client speaking the protocol, recording what the server sends. */
export async function observe(url: string, token: Token): Promise<Observer> {
  const socket = io(url, { forceNew: true, reconnection: false, transports: ['websocket'], query: { username: token.identity, auth: JSON.stringify({ token: token.value }) } })
  const events: Observer['events'] = []
  socket.onAny((event: string, ...parts: unknown[]) => events.push({ event, parts }))
  const info = await new Promise<{ auth_id: string }>((resolve, reject) => {
    socket.once('on_connection', resolve)
    socket.once('connect_error', reject)
  })
  const ask = (command: Record<string, unknown>) =>
    new Promise<Record<string, unknown>>((resolve, reject) =>
      socket.emit('request', { type: 'auth', command }, (result: Record<string, unknown> | null, error: unknown) => (result ? resolve(result) : reject(error))),
    )
  const { room_id } = await ask({ command: 'room_id_get', auth_room_name_mask: token.room })
  await ask({ command: 'join', room_id })
  return { socket, memberId: info.auth_id, events, close: () => socket.disconnect() }
}

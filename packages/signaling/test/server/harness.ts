import { signHs256Jwt } from '@callport/provider-utils/server'
import { io as connectSocket, type Socket } from 'socket.io-client'
import { afterEach } from 'vitest'
import { ConnectionInfoSchema, type ConnectionInfo, type SignalingError } from '../../src/shared/protocol'
import { createSignalingServer, signaling, type SignalingServer, type SignalingServerOptions } from '../../src/server/index'

/** 48 bytes: long enough for HS256. */
export const SECRET = 'test-secret-0123456789-abcdefghijklmnopqrstuvwxyz'

export interface Credential {
  identity: string
  room: string
  role?: 'publisher' | 'subscriber' | 'moderator'
  name?: string
  metadata?: Record<string, unknown>
}

/** A token issued by the server half, as an app server would issue it. */
export async function issueToken(credential: Credential, ttlSeconds = 600, url = 'http://127.0.0.1:1'): Promise<string> {
  const adapter = signaling({ secret: SECRET, url })
  const room = await adapter.ensureRoom({ name: credential.room })
  const participant = {
    identity: credential.identity,
    role: credential.role ?? 'publisher',
    ...(credential.name === undefined ? {} : { name: credential.name }),
    ...(credential.metadata === undefined ? {} : { metadata: credential.metadata }),
  }
  return (await adapter.issueToken({ room, participant, ttlSeconds })).value
}

/** A token signed by hand, for lifetimes or claims the server half would not issue. */
export function signClaims(claims: Record<string, unknown>, secret = SECRET): string {
  return signHs256Jwt(claims, secret)
}

export function handSignedToken(identity: string, room: string, expiresInSeconds: number): string {
  const now = Math.floor(Date.now() / 1000)
  return signClaims({ iss: 'callport-signaling', sub: identity, room, role: 'publisher', iat: now, exp: now + expiresInSeconds })
}

export interface Refusal {
  message: string
  data: SignalingError | undefined
}

export type Client = Socket & { info: ConnectionInfo }

/** Opens a socket.io client with the VT-style query. */
export function openSocket(url: string, username: string, auth: unknown, path?: string): Socket {
  return connectSocket(url, {
    query: { username, auth: typeof auth === 'string' ? auth : JSON.stringify(auth) },
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    ...(path === undefined ? {} : { path }),
  })
}

/** Waits for the next `event` on `socket` and returns its arguments. */
export function nextEvent(socket: Socket, event: string, timeoutMs = 5_000): Promise<unknown[]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.off(event, listener)
      reject(new Error(`no ${event} within ${timeoutMs} ms`))
    }, timeoutMs)
    const listener = (...parts: unknown[]) => {
      clearTimeout(timer)
      resolve(parts)
    }
    socket.once(event, listener)
  })
}

/** Records every server event a socket receives (not socket.io's own connect/disconnect events). */
export function recordEvents(socket: Socket): Array<{ event: string; parts: unknown[] }> {
  const events: Array<{ event: string; parts: unknown[] }> = []
  socket.onAny((event: string, ...parts: unknown[]) => events.push({ event, parts }))
  return events
}

/** Sends a `request` and resolves with the two acknowledgement arguments. */
export function request(socket: Socket, message: unknown, timeoutMs = 5_000): Promise<{ result: unknown; error: SignalingError | null }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no acknowledgement within ${timeoutMs} ms`)), timeoutMs)
    socket.emit('request', message, (result: unknown, error: SignalingError | null) => {
      clearTimeout(timer)
      resolve({ result, error })
    })
  })
}

/**
 * Resolves once the server has answered one more message from each socket. A connection keeps its
 * order, so every event the server emitted to a socket before handling that message has arrived by
 * then: what a test expects not to have happened, it checks after this instead of after a sleep.
 */
export async function roundTrip(...sockets: Socket[]): Promise<void> {
  await Promise.all(
    sockets.map(
      (socket) =>
        new Promise<void>((resolve, reject) => {
          socket.timeout(5_000).emit('round-trip', (timedOut: Error | null) => (timedOut ? reject(timedOut) : resolve()))
        }),
    ),
  )
}

/** Tracks servers and sockets a test opens and closes them after it. */
export function useHarness() {
  const servers: SignalingServer[] = []
  const sockets: Socket[] = []

  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.disconnect()
    await Promise.all(servers.splice(0).map((server) => server.close()))
  })

  return {
    async startServer(options: SignalingServerOptions = {}): Promise<{ server: SignalingServer; url: string }> {
      const server = createSignalingServer({ secret: SECRET, ...options })
      servers.push(server)
      const { url } = await server.listen({ port: 0, host: '127.0.0.1' })
      return { server, url }
    },

    /** Connects and resolves once `on_connection` arrived (validated against the protocol schema). */
    async connect(url: string, username: string, auth: unknown, path?: string): Promise<Client> {
      const socket = openSocket(url, username, auth, path)
      sockets.push(socket)
      const [info] = await Promise.race([
        nextEvent(socket, 'on_connection'),
        nextEvent(socket, 'connect_error').then(([error]) => {
          throw error
        }),
      ])
      return Object.assign(socket, { info: ConnectionInfoSchema.parse(info) })
    },

    /** Connects with credentials the server must refuse; resolves with the connect_error. */
    async refuse(url: string, username: string, auth: unknown): Promise<{ refusal: Refusal; events: Array<{ event: string }>; socket: Socket }> {
      const socket = openSocket(url, username, auth)
      sockets.push(socket)
      const events = recordEvents(socket)
      const [error] = await nextEvent(socket, 'connect_error')
      const { message, data } = error as { message: string; data?: SignalingError }
      return { refusal: { message, data }, events, socket }
    },

    /** Connects with a token for `identity` in `room` and joins the room. */
    async joinMember(url: string, credential: Credential, props: Record<string, unknown> = {}) {
      const client = await this.connect(url, credential.identity, { token: await issueToken(credential) })
      const roomId = client.info.server_metadata.room_id
      const { result, error } = await request(client, { type: 'auth', command: { command: 'join', room_id: roomId, props } })
      if (error) throw new Error(`join failed: ${error.code} ${error.message}`)
      return { client, roomId: roomId as string, joined: result as { room_id: string; members: Array<{ id: string; name: string }> } }
    },
  }
}

import { createServer, type Server as HttpServer } from 'node:http'
import type { Server as HttpsServer } from 'node:https'
import type { AddressInfo } from 'node:net'
import { Server } from 'socket.io'
import { WebSocketServer } from 'ws'
import type { Kick } from '../shared/protocol'
import { authenticateQuery } from './authenticate'
import { createMemoryMemberDirectory, type MemberDirectory } from './member-directory'
import { startRedisScaleOut, type RedisScaleOut } from './redis-scale-out'
import { toSignalingError } from './request-error'
import { signalingRoomId } from './room-id'
import { resolveServerOptions, type SignalingServerOptions } from './server-options'
import { kickSocket, type SessionContext } from './session-context'
import { serveSocket } from './socket-session'
import type { SignalingIo, SignalingSocket } from './socket-types'

/** A running signaling server. */
export interface SignalingServer {
  /** The socket.io server, for inspection and extra namespaces. */
  readonly io: SignalingIo
  /** Serves signaling on an existing HTTP(S) server (under `path`). Resolves once it accepts connections. */
  attach(server: HttpServer | HttpsServer): Promise<void>
  /** Creates an HTTP server and listens; resolves with the URL clients connect to. */
  listen(options?: { port?: number; host?: string }): Promise<{ url: string; port: number }>
  /**
   * Graceful shutdown: sends `on_kick { reason: 'server_shutdown' }` to every socket, disconnects it,
   * tells the other processes the members left, and closes socket.io and the HTTP server it serves on.
   */
  close(): Promise<void>
}

/** How long `close()` waits for kicked sockets to flush their last packets. */
const FLUSH_TIMEOUT_MILLISECONDS = 2_000

function whenClosed(socket: SignalingSocket): Promise<void> {
  if (socket.conn.readyState === 'closed') return Promise.resolve()
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, FLUSH_TIMEOUT_MILLISECONDS)
    socket.conn.once('close', () => {
      clearTimeout(timer)
      resolve()
    })
  })
}

/**
 * The built-in signaling server: authenticates the credentials `signaling()` issues, keeps rooms,
 * relays WebRTC signals between members of the same room, bounds message sizes and rates, and with
 * `redis` shares rooms between several processes.
 */
export function createSignalingServer(options?: SignalingServerOptions): SignalingServer {
  const resolved = resolveServerOptions(options)
  const { secret, limits, onError } = resolved
  const io: SignalingIo = new Server({
    path: resolved.path,
    serveClient: false,
    // Named explicitly so that engine.io gets the ws server class under any module resolution.
    wsEngine: WebSocketServer,
    maxHttpBufferSize: limits.maximumPacketBytes,
    pingInterval: resolved.heartbeat.interval,
    pingTimeout: resolved.heartbeat.timeout,
    ...(resolved.cors === undefined ? {} : { cors: resolved.cors }),
  })
  const pending = new Set<Promise<unknown>>()
  let scaleOut: RedisScaleOut | undefined
  let attached = false
  let closing: Promise<void> | undefined

  const kickLocal = (memberId: string, kick: Kick) => {
    const socket = io.sockets.sockets.get(memberId)
    if (socket) kickSocket(socket, kick)
  }

  const start = async (): Promise<void> => {
    let directory: MemberDirectory = createMemoryMemberDirectory()
    if (resolved.redis) {
      scaleOut = await startRedisScaleOut(io, resolved.redis, {
        onError,
        onMembersLost(members) {
          // `except`: a member that is in fact alive (its process stalled) is not told that it left.
          for (const { roomId, memberId } of members) io.to(roomId).except(memberId).emit('on_leave', memberId)
        },
        onNodeSwept() {
          // Taken for dead while stalled: the members were reported as gone, so drop their connections;
          // the clients reconnect and join again.
          for (const socket of io.sockets.sockets.values()) socket.conn.close()
        },
      })
      directory = scaleOut.directory
    }
    const context: SessionContext = {
      io,
      secret,
      directory,
      limits,
      kickMember(memberId, kick) {
        if (io.sockets.sockets.has(memberId) || !scaleOut) kickLocal(memberId, kick)
        else io.serverSideEmit('kick-member', memberId, kick)
      },
      track(task) {
        pending.add(task)
        void task.finally(() => pending.delete(task))
      },
      onError,
    }
    io.on('kick-member', kickLocal)
    io.use((socket, next) => {
      if (closing)
        return next(Object.assign(new Error('The signaling server is shutting down'), { data: { code: 'INTERNAL', message: 'The signaling server is shutting down' } }))
      authenticateQuery(socket.handshake.query, secret, resolved.allowPasswords).then(
        (credential) => {
          socket.data = { ...credential, memberId: socket.id, roomId: signalingRoomId(credential.room), joined: false, props: {} }
          next()
        },
        (error: unknown) => {
          const refusal = toSignalingError(error)
          if (refusal.code === 'INTERNAL') onError(error)
          next(Object.assign(new Error(refusal.message), { data: refusal }))
        },
      )
    })
    io.on('connection', (socket) => serveSocket(socket, context))
  }

  let started: Promise<void> | undefined
  const attachTo = async (server: HttpServer | HttpsServer) => {
    if (closing) throw new Error('The signaling server is closed')
    if (attached) throw new Error('The signaling server is already attached to a server')
    started ??= start()
    await started
    if (attached) throw new Error('The signaling server is already attached to a server')
    io.attach(server)
    attached = true
  }

  return {
    io,
    attach: attachTo,
    async listen({ port = 0, host = '127.0.0.1' } = {}) {
      const server = createServer()
      await attachTo(server)
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject)
        server.listen(port, host, () => {
          server.off('error', reject)
          resolve()
        })
      })
      const address = server.address() as AddressInfo
      const hostname = address.family === 'IPv6' ? `[${address.address}]` : address.address
      return { url: `http://${hostname}:${address.port}`, port: address.port }
    },
    close() {
      closing ??= (async () => {
        await started?.catch(() => undefined)
        const sockets = [...io.sockets.sockets.values()]
        for (const socket of sockets) kickSocket(socket, { reason: 'server_shutdown', message: 'The signaling server is shutting down' })
        await Promise.all(sockets.map(whenClosed))
        while (pending.size > 0) await Promise.allSettled([...pending])
        if (scaleOut) await scaleOut.directory.close().catch(onError)
        if (attached) await io.close()
        await scaleOut?.disconnect()
      })()
      return closing
    },
  }
}

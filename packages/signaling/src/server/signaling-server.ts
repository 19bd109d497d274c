import type { Server as HttpServer } from 'node:http'
import type { Server as HttpsServer } from 'node:https'
import type { AddressInfo } from 'node:net'
import { CallportError } from '@callport/core'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Kick, Mute } from '../shared/protocol'
import { isAdminRequest, serveAdminRequest } from './admin-api'
import type { AdminUpdate } from './admin-protocol'
import { SIGNALING_PROVIDER } from '../shared/provider-id'
import { authenticateQuery } from './authenticate'
import { createFloodBudgets } from './flood-budgets'
import { createMemoryMemberDirectory, type MemberDirectory } from './member-directory'
import { importPeer, loadRedisPeers, loadSocketIoPeers, type PeerImporter } from './peers'
import { startRedisScaleOut, type RedisScaleOut } from './redis-scale-out'
import { toSignalingError } from './request-error'
import { signalingRoomId } from './room-id'
import { createRevocations } from './revocations'
import { muteByModerator, updateByModerator } from './room-commands'
import { resolveServerOptions, type SignalingServerOptions } from './server-options'
import { kickSocket, type SessionContext } from './session-context'
import { serveSocket } from './socket-session'
import type { SignalingIo, SignalingSocket } from './socket-types'

/** A running signaling server. */
export interface SignalingServer {
  /**
   * The socket.io server, for inspection and extra namespaces. It exists once `attach()` or `listen()`
   * resolved (socket.io is loaded then, not when the module is imported); reading it before throws.
   */
  readonly io: SignalingIo
  /**
   * Serves signaling on an existing HTTP(S) server (under `path`). Loads socket.io and ws (and, with
   * `redis`, redis and @socket.io/redis-adapter) first: they are optional peer dependencies, and a missing
   * one rejects with an `UNSUPPORTED` CallportError naming what to install. Resolves once it accepts connections.
   */
  attach(server: HttpServer | HttpsServer): Promise<void>
  /** Creates an HTTP server and listens (loading the peers as `attach` does); resolves with the URL clients connect to. */
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
 * Closes every engine.io connection that has not passed authentication within `timeout` milliseconds.
 * Not socket.io's `connectTimeout` (left at its 45 s): it closes softly, and a long-polling connection
 * that keeps no request open then lingers for engine.io's 30 s close timeout; this discards it at once.
 */
function dropUnauthenticated(io: SignalingIo, timeout: number): void {
  io.engine.on('connection', (connection: { close(discard?: boolean): void; once(event: 'close', listener: () => void): void }) => {
    const timer = setTimeout(() => {
      if (!authenticatedConnections.has(connection)) connection.close(true)
    }, timeout)
    connection.once('close', () => clearTimeout(timer))
  })
}

/** engine.io connections whose socket passed authentication. */
const authenticatedConnections = new WeakSet<object>()

/**
 * The built-in signaling server: authenticates the credentials `signaling()` issues, keeps rooms,
 * relays WebRTC signals between members of the same room, bounds message sizes and rates, and with
 * `redis` shares rooms between several processes.
 *
 * Creating it validates the options (throwing `INVALID_INPUT`) and loads nothing: socket.io and ws
 * (optional peer dependencies, with redis and @socket.io/redis-adapter for `redis`) are imported by
 * `attach()` / `listen()`, which reject with `UNSUPPORTED` naming the package to install when one is missing.
 */
export function createSignalingServer(options?: SignalingServerOptions): SignalingServer {
  return createServerWith(options, importPeer)
}

/** `createSignalingServer` with the module importer given (tests play a missing peer with it). */
export function createServerWith(options: SignalingServerOptions | undefined, importer: PeerImporter): SignalingServer {
  const resolved = resolveServerOptions(options)
  const { secret, limits, onError } = resolved
  let loadedIo: SignalingIo | undefined
  const pending = new Set<Promise<unknown>>()
  let scaleOut: RedisScaleOut | undefined
  let attached = false
  let closing: Promise<void> | undefined
  let session: SessionContext | undefined
  const revocations = createRevocations()
  let revokeEverywhere: (roomId: string, identity: string, at: number) => void = (roomId, identity, at) => revocations.revoke(roomId, identity, at)

  const start = async (): Promise<SignalingIo> => {
    const [{ Server, WebSocketServer }, redisPeers] = await Promise.all([loadSocketIoPeers(importer), resolved.redis ? loadRedisPeers(importer) : undefined])
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
    const kickLocal = (memberId: string, kick: Kick) => {
      const socket = io.sockets.sockets.get(memberId)
      if (socket) kickSocket(socket, kick)
    }
    const budgets = createFloodBudgets(limits)
    let directory: MemberDirectory = createMemoryMemberDirectory()
    if (resolved.redis && redisPeers) {
      scaleOut = await startRedisScaleOut(io, redisPeers, resolved.redis, {
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
      budgets,
      kickMember(memberId, kick) {
        if (io.sockets.sockets.has(memberId) || !scaleOut) kickLocal(memberId, kick)
        else io.serverSideEmit('kick-member', memberId, kick)
      },
      muteMember(memberId, mute) {
        if (io.sockets.sockets.has(memberId) || !scaleOut) muteLocal(memberId, mute)
        else io.serverSideEmit('mute-member', memberId, mute)
      },
      updateMember(memberId, update) {
        if (io.sockets.sockets.has(memberId) || !scaleOut) updateLocal(memberId, update)
        else io.serverSideEmit('update-member', memberId, update)
      },
      track(task) {
        pending.add(task)
        void task.finally(() => pending.delete(task))
      },
      onError,
    }
    const muteLocal = (memberId: string, mute: Mute) => {
      const socket = io.sockets.sockets.get(memberId)
      if (socket) context.track(muteByModerator(socket, context, mute).catch(onError))
    }
    io.on('kick-member', kickLocal)
    const updateLocal = (memberId: string, update: AdminUpdate) => {
      const socket = io.sockets.sockets.get(memberId)
      if (socket) context.track(updateByModerator(socket, context, update).catch(onError))
    }
    io.on('mute-member', muteLocal)
    io.on('update-member', updateLocal)
    io.on('revoke-credentials', (roomId, identity, at) => revocations.revoke(roomId, identity, at))
    revokeEverywhere = (roomId, identity, at) => {
      revocations.revoke(roomId, identity, at)
      if (scaleOut) io.serverSideEmit('revoke-credentials', roomId, identity, at)
    }
    session = context
    io.use((socket, next) => {
      if (closing)
        return next(Object.assign(new Error('The signaling server is shutting down'), { data: { code: 'INTERNAL', message: 'The signaling server is shutting down' } }))
      authenticateQuery(socket.handshake.query, secret, resolved.allowPasswords).then(
        (credential) => {
          if (credential.issuedAt !== undefined && revocations.isRevoked(signalingRoomId(credential.room), credential.identity, credential.issuedAt)) {
            const message = 'A moderator removed you from this room; this credential no longer admits you'
            next(Object.assign(new Error(message), { data: { code: 'UNAUTHORIZED', message } }))
            return
          }
          try {
            budgets.admitConnection(credential.identity, credential.room, socket.id)
          } catch (error) {
            const refusal = toSignalingError(error)
            next(Object.assign(new Error(refusal.message), { data: refusal }))
            return
          }
          // Released when the engine.io connection closes, whether or not socket.io got to `connection`.
          socket.conn.once('close', () => budgets.releaseConnection(credential.identity, socket.id))
          authenticatedConnections.add(socket.conn)
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
    return io
  }

  let started: Promise<SignalingIo> | undefined

  /**
   * Puts the admin API (`/callport/v1/…`) in front of the server's own request listeners; socket.io,
   * attached next, passes it every request that is not for its own path.
   */
  const serveAdminApi = (server: HttpServer | HttpsServer) => {
    const previous = server.listeners('request') as Array<(request: IncomingMessage, response: ServerResponse) => void>
    server.removeAllListeners('request')
    server.on('request', (request: IncomingMessage, response: ServerResponse) => {
      if (session && isAdminRequest(request)) {
        const context = session
        void serveAdminRequest(request, response, {
          secret,
          directory: () => context.directory,
          kickMember: (memberId, kick) => context.kickMember(memberId, kick),
          muteMember: (memberId, mute) => context.muteMember(memberId, mute),
          updateMember: (memberId, update) => context.updateMember(memberId, update),
          revoke: (roomId, identity) => revokeEverywhere(roomId, identity, Date.now()),
          closing: () => closing !== undefined,
          onError,
        })
        return
      }
      for (const listener of previous) listener.call(server, request, response)
    })
  }
  const attachTo = async (server: HttpServer | HttpsServer) => {
    if (closing) throw new Error('The signaling server is closed')
    if (attached) throw new Error('The signaling server is already attached to a server')
    // A failed start (a missing peer, Redis unreachable) may be retried by attaching again.
    started ??= start().catch((error: unknown) => {
      started = undefined
      throw error
    })
    const io = await started
    if (attached) throw new Error('The signaling server is already attached to a server')
    serveAdminApi(server)
    io.attach(server)
    dropUnauthenticated(io, limits.handshakeTimeout)
    loadedIo = io
    attached = true
  }

  return {
    get io(): SignalingIo {
      if (loadedIo === undefined) {
        throw new CallportError('CONFLICT', 'The signaling server has no socket.io server before attach() or listen() resolved (socket.io is loaded then)', {
          provider: SIGNALING_PROVIDER,
        })
      }
      return loadedIo
    },
    attach: attachTo,
    async listen({ port = 0, host = '127.0.0.1' } = {}) {
      // node:http too is loaded here, so that bundling the token issuer for a web-standard runtime never meets it.
      const { createServer } = (await importer('node:http')) as typeof import('node:http')
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
        const io = await started?.catch(() => undefined)
        if (io === undefined) return
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

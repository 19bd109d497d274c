import { AUTH_ROOM, REQUEST_EVENT, RequestSchema, SIGNALING_VERSION, serverEvents, type ConnectionInfo, type Request } from '../shared/protocol'
import { createTokenBucket, deliveryShare } from './flood-budgets'
import { jsonBytesOverLimit } from './json-size'
import { createRateLimiter } from './rate-limiter'
import { relayCommand } from './relay'
import { isExpectedError, toSignalingError } from './request-error'
import { getRoomId, joinRoom, leaveRoom, setProps, verifyTokenUpdate } from './room-commands'
import { REJECTION_WINDOW_MILLISECONDS } from './server-options'
import { kickSocket, type SessionContext } from './session-context'
import type { Acknowledge, SignalingSocket } from './socket-types'

/** Bounds of the pause in reading a socket that went over a budget. */
const MINIMUM_THROTTLE_MILLISECONDS = 10
const MAXIMUM_THROTTLE_MILLISECONDS = 1_000

/** Longest delay setTimeout takes; later expiries are re-armed. */
const MAXIMUM_TIMER_MILLISECONDS = 2 ** 31 - 1

function connectionInfo(socket: SignalingSocket, context: SessionContext): ConnectionInfo {
  const { data } = socket
  const remotePort = socket.request.socket.remotePort
  return {
    session_id: socket.id,
    signaling_ver: SIGNALING_VERSION,
    username: data.identity,
    role: data.role,
    auth_room: AUTH_ROOM,
    auth_id: data.memberId,
    remoteAddress: socket.handshake.address,
    ...(remotePort === undefined ? {} : { remotePort }),
    server_metadata: {
      room: data.room,
      room_id: data.roomId,
      ...(data.expiresAt === undefined ? {} : { expires_at: new Date(data.expiresAt).toISOString() }),
      max_message_bytes: context.limits.maximumMessageBytes,
      messages_per_second: context.limits.messagesPerSecond,
      message_burst: context.limits.messageBurst,
    },
  }
}

/** One line about the first problem zod found (zod/mini carries no English messages, so say it from the issue). */
function describeIssue(error: { issues: ReadonlyArray<{ path: PropertyKey[]; code: string; message: string; expected?: string }> }): string {
  const issue = error.issues[0]
  if (!issue) return 'Invalid request'
  const path = issue.path.map(String).join('.')
  const problem = issue.expected === undefined ? issue.code.replaceAll('_', ' ') : `expected ${issue.expected}`
  return `Invalid request${path ? ` at ${path}` : ''}: ${problem}`
}

/**
 * Serves one authenticated socket: greets it with `on_connection`, answers its `request`s under the
 * rate and size limits, kicks it when its credential expires, and removes it from its room when it
 * goes away.
 */
export function serveSocket(socket: SignalingSocket, context: SessionContext): void {
  const { data } = socket
  const { limits } = context
  const limiter = createRateLimiter({ ...limits, windowMs: REJECTION_WINDOW_MILLISECONDS })
  const identityBucket = context.budgets.identityBucket(data.identity)
  const deliveries = createTokenBucket(Infinity)
  let expiryTimer: NodeJS.Timeout | undefined
  // Membership changes of one socket run one after another, so a disconnection cannot overtake a join.
  let membership: Promise<unknown> = Promise.resolve()
  const serially = <T>(task: () => Promise<T>): Promise<T> => {
    const run = membership.then(task)
    membership = run.catch(() => undefined)
    return run
  }

  const armExpiry = () => {
    clearTimeout(expiryTimer)
    if (data.expiresAt === undefined) return
    const delay = Math.min(Math.max(data.expiresAt - Date.now(), 0), MAXIMUM_TIMER_MILLISECONDS)
    expiryTimer = setTimeout(() => {
      if (data.expiresAt !== undefined && Date.now() >= data.expiresAt) {
        kickSocket(socket, { reason: 'token_expired', message: 'Your token expired; connect again with a fresh one' })
      } else {
        armExpiry()
      }
    }, delay)
  }

  const handle = async (request: Request): Promise<unknown> => {
    if (request.type === 'command') return relayCommand(socket, context, request)
    const { command } = request
    switch (command.command) {
      case 'room_id_get':
        return getRoomId(socket, command)
      case 'join':
        return serially(() => joinRoom(socket, context, command))
      case 'leave':
        return serially(() => leaveRoom(socket, context))
      case 'props_set':
        return serially(() => setProps(socket, context, command))
      case 'token_update': {
        data.expiresAt = verifyTokenUpdate(socket, context, command)
        armExpiry()
        return { expires_at: new Date(data.expiresAt).toISOString() }
      }
    }
  }

  let throttled = false
  /**
   * Stops reading the socket's WebSocket for `milliseconds` (at most one second): what a flooding client
   * sends meanwhile waits in its TCP buffers, so the server spends no time on it and the other members'
   * messages are read at once. (Long-polling connections are not throttled; their requests carry batches.)
   */
  const throttle = (milliseconds: number) => {
    const transport = socket.conn.transport as { name?: string; socket?: { pause?: () => void; resume?: () => void } } | undefined
    const webSocket = transport?.name === 'websocket' ? transport.socket : undefined
    if (throttled || typeof webSocket?.pause !== 'function' || typeof webSocket.resume !== 'function') return
    throttled = true
    webSocket.pause()
    setTimeout(
      () => {
        throttled = false
        webSocket.resume!()
      },
      Math.min(Math.max(milliseconds, MINIMUM_THROTTLE_MILLISECONDS), MAXIMUM_THROTTLE_MILLISECONDS),
    )
  }

  /**
   * Answers RATE_LIMITED and throttles the socket until it may send again; past `rejectedMessagesBeforeKick`
   * refusals, kicks it and starts its cool-down.
   */
  const refuse = (acknowledge: Acknowledge, decision: 'limited' | 'kick', message: string, waitMilliseconds: number): false => {
    acknowledge(null, { code: 'RATE_LIMITED', message })
    if (decision === 'kick' && socket.connected) {
      context.budgets.coolDown(data.identity, data.room)
      kickSocket(socket, { reason: 'removed', message: 'Disconnected for exceeding the message rate limit' })
    } else {
      throttle(waitMilliseconds)
    }
    return false
  }

  /** Counts a message against the socket's and the identity's rates; false (after answering RATE_LIMITED) when over one. */
  const withinRate = (acknowledge: Acknowledge): boolean => {
    const decision = limiter.take()
    if (decision !== 'accepted') {
      return refuse(
        acknowledge,
        decision,
        `Too many messages: at most ${limits.messagesPerSecond} per second (bursts of ${limits.messageBurst})`,
        1000 / limits.messagesPerSecond,
      )
    }
    if (!identityBucket.take(1, limits.identityMessagesPerSecond, limits.identityMessageBurst)) {
      return refuse(
        acknowledge,
        limiter.reject(),
        `Too many messages from ${data.identity}: at most ${limits.identityMessagesPerSecond} per second over all its connections (bursts of ${limits.identityMessageBurst})`,
        identityBucket.waitFor(1, limits.identityMessagesPerSecond),
      )
    }
    return true
  }

  /**
   * Takes a relayed message's deliveries (one, or one per other member for a broadcast) from this
   * member's share of the room's budget; false (after answering RATE_LIMITED) when it has not enough.
   */
  const withinRoomBudget = (request: Request, acknowledge: Acknowledge): boolean => {
    if (request.type !== 'command' || !data.joined) return true
    const members = context.io.sockets.adapter.rooms.get(data.roomId)?.size ?? 1
    const cost = request.to === undefined ? Math.max(members - 1, 0) : 1
    if (cost === 0) return true
    const { rate, burst } = deliveryShare(limits, members)
    if (deliveries.take(cost, rate, burst)) return true
    return refuse(
      acknowledge,
      limiter.reject(),
      `Too many deliveries: this room allows ${limits.roomDeliveriesPerSecond} per second, shared by its ${members} members (a broadcast costs one per other member)`,
      deliveries.waitFor(cost, rate),
    )
  }

  /** Checks the rate, the size and the shape of a message; undefined when it was refused. */
  const admit = (message: unknown, acknowledge: Acknowledge): Request | undefined => {
    if (!withinRate(acknowledge)) return undefined
    const bytes = jsonBytesOverLimit(message, limits.maximumMessageBytes)
    if (bytes !== undefined) {
      acknowledge(null, { code: 'PAYLOAD_TOO_LARGE', message: `Message is ${bytes} bytes; the limit is ${limits.maximumMessageBytes}` })
      return undefined
    }
    const parsed = RequestSchema.safeParse(message)
    if (!parsed.success) {
      acknowledge(null, { code: 'INVALID_INPUT', message: describeIssue(parsed.error) })
      return undefined
    }
    return parsed.data
  }

  const receive = (message: unknown, acknowledgement: unknown) => {
    const acknowledge: Acknowledge = typeof acknowledgement === 'function' ? (acknowledgement as Acknowledge) : () => undefined
    const request = admit(message, acknowledge)
    if (request === undefined || !withinRoomBudget(request, acknowledge)) return
    handle(request).then(
      (result) => acknowledge(result, null),
      (error: unknown) => {
        if (!isExpectedError(error)) context.onError(error)
        acknowledge(null, toSignalingError(error))
      },
    )
  }

  socket.on(REQUEST_EVENT, receive)
  socket.onAny((event: string, ...parts: unknown[]) => {
    if (event === REQUEST_EVENT) return
    const last = parts.at(-1)
    const acknowledge: Acknowledge = typeof last === 'function' ? (last as Acknowledge) : () => undefined
    if (!withinRate(acknowledge)) return
    acknowledge(null, { code: 'INVALID_INPUT', message: `Unknown event ${JSON.stringify(event)}; send commands as "${REQUEST_EVENT}"` })
  })
  socket.on('disconnect', () => {
    clearTimeout(expiryTimer)
    context.track(serially(() => leaveRoom(socket, context)).catch((error: unknown) => context.onError(error)))
  })

  armExpiry()
  socket.emit(serverEvents.connection, connectionInfo(socket, context))
}

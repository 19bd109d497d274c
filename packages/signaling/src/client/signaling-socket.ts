import { CallportError, abortedError } from '@callport/core'
import type * as z from 'zod/mini'
import { ConnectionInfoSchema, REQUEST_EVENT, SignalingErrorSchema, serverEvents, type AuthQuery, type ConnectionInfo, type Request } from '../shared/protocol'
import { connectErrorToCallportError, invalidMessageError, signalingErrorToCallportError } from './errors'
import type { SignalingSocket, SocketFactory, SocketFactoryOptions } from './load-sdk'
import { SIGNALING_PROVIDER } from '../shared/provider-id'

export interface OpenSocketOptions {
  url: string
  /** The engine.io path, when the server does not use socket.io's default `/socket.io`. */
  path: string | undefined
  identity: string
  credentials: AuthQuery
  transports: SocketFactoryOptions['transports']
  /** Milliseconds the server may take to send `on_connection`. */
  timeout: number
  signal: AbortSignal | undefined
}

export interface OpenedSocket {
  socket: SignalingSocket
  info: ConnectionInfo
}

function connectionFailed(message: string, cause?: unknown): CallportError {
  return new CallportError('CONNECTION_FAILED', message, { provider: SIGNALING_PROVIDER, cause })
}

/**
 * Opens one socket.io connection (no automatic reconnection: the connection decides when to retry)
 * and resolves once the server has sent a valid `on_connection`.
 */
export function openSocket(createSocket: SocketFactory, options: OpenSocketOptions): Promise<OpenedSocket> {
  const { signal, timeout } = options
  if (signal?.aborted) return Promise.reject(abortedError(signal, SIGNALING_PROVIDER))
  const socketOptions: SocketFactoryOptions = {
    forceNew: true,
    reconnection: false,
    timeout,
    query: { username: options.identity, auth: JSON.stringify(options.credentials) },
    transports: options.transports,
    // With WebSocket first, fall back to the next transport when it fails.
    tryAllTransports: true,
    ...(options.path === undefined ? {} : { path: options.path }),
  }
  const socket = createSocket(options.url, socketOptions)
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(connectionFailed(`No answer from the signaling server within ${timeout} ms`)), timeout)
    const onAbort = () => fail(abortedError(signal, SIGNALING_PROVIDER))
    const onConnection = (payload: unknown) => {
      const parsed = ConnectionInfoSchema.safeParse(payload)
      if (!parsed.success) return fail(invalidMessageError(serverEvents.connection, parsed.error.issues))
      cleanup()
      resolve({ socket, info: parsed.data })
    }
    const onConnectError = (error: unknown) => fail(connectErrorToCallportError(error))
    const onDisconnect = (reason: string) => fail(connectionFailed(`The signaling server closed the connection (${reason})`))
    function cleanup() {
      clearTimeout(timer)
      signal?.removeEventListener('abort', onAbort)
      socket.off(serverEvents.connection, onConnection)
      socket.off('connect_error', onConnectError)
      socket.off('disconnect', onDisconnect)
    }
    function fail(error: CallportError) {
      cleanup()
      socket.disconnect()
      reject(error)
    }
    signal?.addEventListener('abort', onAbort, { once: true })
    socket.on(serverEvents.connection, onConnection)
    socket.on('connect_error', onConnectError)
    socket.on('disconnect', onDisconnect)
  })
}

/**
 * Sends one `request` and resolves with its validated result. The server acks `(result, null)` or
 * `(null, {code, message})`; an error becomes a CallportError with the matching code.
 */
export function sendRequest<T>(socket: SignalingSocket, request: Request, resultSchema: z.ZodMiniType<T>, timeout: number): Promise<T> {
  const what = request.command.command
  return new Promise((resolve, reject) => {
    if (!socket.connected) return reject(connectionFailed(`Cannot send ${what}: the signaling socket is not connected`))
    const onDisconnect = (reason: string) => reject(connectionFailed(`The signaling socket closed before ${what} was answered (${reason})`))
    socket.once('disconnect', onDisconnect)
    socket.timeout(timeout).emit(REQUEST_EVENT, request, (timedOut: Error | null, result: unknown, error: unknown) => {
      socket.off('disconnect', onDisconnect)
      if (timedOut) return reject(connectionFailed(`No answer to ${what} within ${timeout} ms`, timedOut))
      if (error !== null && error !== undefined) {
        const parsedError = SignalingErrorSchema.safeParse(error)
        return reject(parsedError.success ? signalingErrorToCallportError(parsedError.data, what) : invalidMessageError(`${what} error`, parsedError.error.issues))
      }
      const parsed = resultSchema.safeParse(result)
      if (!parsed.success) return reject(invalidMessageError(`${what} result`, parsed.error.issues))
      resolve(parsed.data)
    })
  })
}

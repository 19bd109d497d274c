import { getEventListeners } from 'node:events'
import type { Socket } from 'node:net'

/**
 * Abort signals for requests read from node:http, one AbortController per connection rather than
 * per request: the requests of a keep-alive connection share it in turn, and it aborts when the
 * connection closes while one of them is still unanswered. (An AbortController per request measured
 * as a large share of a POST /join: bench/join-throughput.mjs.)
 *
 * Sharing must not let one request's leftovers reach another, so a connection takes a new controller
 * - after a request that finished with `abort` listeners still on the signal: those listeners are
 *   never called, since nothing aborts a controller once it is retired;
 * - every {@link requestsPerController} requests, which bounds what may pile up unseen on the signal
 *   (`AbortSignal.any()` keeps a reference per derived signal until its source aborts).
 * A request that keeps its signal after its answer may still see it abort, if the connection closes
 * while a later request on it is unanswered.
 */

/** How many requests share one controller at most. */
export const requestsPerController = 64

interface SharedController {
  controller: AbortController
  /** Requests of this controller that have no answer yet. */
  open: number
  /** Requests this controller has served. */
  served: number
}

/** A connection's current controller; undefined until a request asks, and again after it is retired. */
interface Connection {
  current: SharedController | undefined
}

const connections = new WeakMap<Socket, Connection>()

/** One request's hold on its connection's signal. */
export interface RequestSignal {
  readonly signal: AbortSignal
  /** The answer is out: a close from now on does not concern this request. Call it once. */
  release(): void
}

function connectionOf(socket: Socket): Connection {
  const known = connections.get(socket)
  if (known) return known
  const connection: Connection = { current: undefined }
  connections.set(socket, connection)
  socket.once('close', () => {
    const shared = connection.current
    connection.current = undefined
    if (shared && shared.open > 0) shared.controller.abort()
  })
  return connection
}

/** The signal for a new request on `socket`; an aborted one when the connection is already gone. */
export function requestSignal(socket: Socket): RequestSignal {
  if (socket.destroyed) return { signal: AbortSignal.abort(), release() {} }
  const connection = connectionOf(socket)
  const shared = (connection.current ??= { controller: new AbortController(), open: 0, served: 0 })
  shared.open += 1
  shared.served += 1
  return {
    signal: shared.controller.signal,
    release() {
      shared.open -= 1
      if (shared.open > 0 || connection.current !== shared) return
      if (shared.served >= requestsPerController || getEventListeners(shared.controller.signal, 'abort').length > 0) {
        connection.current = undefined
      }
    },
  }
}

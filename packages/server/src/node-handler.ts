import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Socket } from 'node:net'
import type { TLSSocket } from 'node:tls'
import { CallportError } from '@callport/core'
import type { Answer } from './answer'
import { BoundedBody, checkDeclaredLength } from './body-limit'
import type { CallServer } from './create-call-server'
import { pathBelow, type Reply } from './http-handler'
import { handleIncomingCall, unreadable, type IncomingCall } from './incoming-call'
import { problemAnswer } from './problem'

/** A node:http request listener that also works as Connect/Express middleware. */
export type NodeHandler = (request: IncomingMessage, response: ServerResponse, next?: (error?: unknown) => void) => void

/** Express keeps the path before its mount point in `originalUrl`; node:http has only `url`. */
function originalPath(incoming: IncomingMessage): string {
  const path = (incoming as IncomingMessage & { originalUrl?: string }).originalUrl ?? incoming.url ?? '/'
  return path.startsWith('/') ? path : `/${path}`
}

function pathnameOf(path: string): string {
  const query = path.indexOf('?')
  return query === -1 ? path : path.slice(0, query)
}

/** Reads the body from the socket, with no web streams in between; what is left after a refusal is discarded. */
function readNodeBody(incoming: IncomingMessage, limit: number, signal: () => AbortSignal): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    checkDeclaredLength(incoming.headers['content-length'], limit)
    const body = new BoundedBody(limit)
    if (incoming.readableEnded) {
      resolve(body.bytes())
      return
    }
    const settle = (error: unknown) => {
      incoming.off('data', onData).off('end', onEnd).off('error', settle).off('close', onClose)
      if (error === undefined) resolve(body.bytes())
      else reject(unreadable(error, signal()))
    }
    const onData = (chunk: Buffer) => {
      try {
        body.add(chunk)
      } catch (error) {
        settle(error)
        incoming.resume()
      }
    }
    const onEnd = () => settle(undefined)
    const onClose = () => settle(new Error('The connection closed before the body ended'))
    incoming.on('data', onData).once('end', onEnd).once('error', settle).once('close', onClose)
  })
}

/** The request body as a web stream that pauses the socket while nobody reads, for compatibility routes. */
function bodyStream(incoming: IncomingMessage): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        incoming.on('data', (chunk: Buffer) => {
          controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength))
          if ((controller.desiredSize ?? 0) <= 0) incoming.pause()
        })
        incoming.once('end', () => controller.close())
        incoming.once('error', (error) => controller.error(error))
        incoming.pause()
      },
      pull() {
        incoming.resume()
      },
      cancel() {
        incoming.removeAllListeners('data')
        incoming.resume()
      },
    },
    { highWaterMark: 1 },
  )
}

/** An IncomingCall read straight from node:http; Fetch objects are made only when asked for. */
class NodeIncomingCall implements IncomingCall {
  readonly method: string
  readonly url: string
  readonly pathname: string
  readonly #incoming: IncomingMessage
  #controller: AbortController | undefined
  #request: Request | undefined
  #fullRequest: Request | undefined

  constructor(incoming: IncomingMessage, path: string) {
    const protocol = (incoming.socket as TLSSocket).encrypted ? 'https' : 'http'
    const url = new URL(`${protocol}://${incoming.headers.host ?? 'localhost'}${path}`)
    this.#incoming = incoming
    this.method = incoming.method ?? 'GET'
    this.url = url.href
    this.pathname = url.pathname
  }

  get signal(): AbortSignal {
    this.#controller ??= abortOnClose(this.#incoming.socket)
    return this.#controller.signal
  }

  /** The answer is out: a connection that closes from now on no longer aborts this request. */
  finish(): void {
    if (this.#controller) openRequests.get(this.#incoming.socket)?.delete(this.#controller)
  }

  header(name: string): string | null {
    const value = this.#incoming.headers[name]
    return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value
  }

  headers(): Headers {
    return this.request().headers
  }

  readBody(limit: number): Promise<Uint8Array> {
    return readNodeBody(this.#incoming, limit, () => this.signal)
  }

  request(): Request {
    this.#request ??= new Request(this.url, { method: this.method, headers: headerPairs(this.#incoming.rawHeaders) })
    return this.#request
  }

  fullRequest(): Request {
    const withBody = this.method !== 'GET' && this.method !== 'HEAD'
    this.#fullRequest ??= new Request(this.url, {
      method: this.method,
      headers: headerPairs(this.#incoming.rawHeaders),
      signal: this.signal,
      ...(withBody ? { body: bodyStream(this.#incoming), duplex: 'half' } : {}),
    } as RequestInit)
    return this.#fullRequest
  }
}

/** Per connection, the requests still waiting for their answer; one `close` listener a connection. */
const openRequests = new WeakMap<Socket, Set<AbortController>>()

/** A controller that aborts when the client's connection closes before the request is finished. */
function abortOnClose(socket: Socket): AbortController {
  const controller = new AbortController()
  if (socket.destroyed) {
    controller.abort()
    return controller
  }
  let open = openRequests.get(socket)
  if (!open) {
    const requests = new Set<AbortController>()
    openRequests.set(socket, requests)
    socket.once('close', () => {
      for (const request of requests) request.abort()
      requests.clear()
    })
    open = requests
  }
  open.add(controller)
  return controller
}

function headerPairs(raw: string[]): [string, string][] {
  const pairs: [string, string][] = []
  for (let index = 0; index + 1 < raw.length; index += 2) pairs.push([raw[index]!, raw[index + 1]!])
  return pairs
}

/** A body we did not read to the end is not drained: the connection closes after the answer. */
function closeUnlessRead(incoming: IncomingMessage, headers: Record<string, string>): Record<string, string> {
  return incoming.complete ? headers : { ...headers, connection: 'close' }
}

function writeAnswer(answer: Answer, incoming: IncomingMessage, outgoing: ServerResponse): void {
  const headers = closeUnlessRead(incoming, answer.headers)
  if (answer.body === null) {
    outgoing.writeHead(answer.status, headers).end()
    return
  }
  headers['content-length'] = String(Buffer.byteLength(answer.body))
  outgoing.writeHead(answer.status, headers).end(answer.body)
}

/** Streams a Response (from a compatibility route) to node:http, minding backpressure. */
async function writeResponse(response: Response, incoming: IncomingMessage, outgoing: ServerResponse): Promise<void> {
  const headers: [string, string][] = []
  for (const [name, value] of response.headers) if (name !== 'set-cookie') headers.push([name, value])
  for (const cookie of response.headers.getSetCookie()) headers.push(['set-cookie', cookie])
  if (!incoming.complete) headers.push(['connection', 'close'])
  outgoing.writeHead(response.status, headers.flat())
  if (response.body === null) {
    outgoing.end()
    return
  }
  const reader = response.body.getReader()
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      if (!outgoing.write(value)) {
        await new Promise<void>((resolve) => {
          const resume = () => {
            outgoing.off('drain', resume).off('close', resume)
            resolve()
          }
          outgoing.on('drain', resume).on('close', resume)
        })
        if (outgoing.destroyed) break
      }
    }
  } finally {
    if (outgoing.destroyed) void reader.cancel().catch(() => {})
    outgoing.end()
  }
}

function write(reply: Reply, incoming: IncomingMessage, outgoing: ServerResponse): void | Promise<void> {
  if (reply instanceof Response) return writeResponse(reply, incoming, outgoing)
  writeAnswer(reply, incoming, outgoing)
}

/**
 * Turns a call server into a node:http request listener: `createServer(toNodeHandler(calls))`.
 * Works as Express/Connect middleware too, mounted at the server's base path
 * (`app.use('/calls', toNodeHandler(calls))` with `basePath: '/calls'`): it reads the full path from
 * `req.originalUrl` and passes requests outside the base path to `next`. Mount it before any body
 * parser, since it reads the request body itself. It reads bodies from the socket as they arrive,
 * up to the API's limit, and streams the bodies of compatibility routes both ways.
 */
export function toNodeHandler(calls: CallServer): NodeHandler {
  const handle = (calls as CallServer & { [handleIncomingCall]?: (call: IncomingCall) => Promise<Reply> })[handleIncomingCall]
  if (typeof handle !== 'function') throw new CallportError('INVALID_INPUT', 'toNodeHandler needs a server made by createCallServer')
  const { basePath } = calls
  return (incoming, outgoing, next) => {
    const path = originalPath(incoming)
    if (next && pathBelow(pathnameOf(path), basePath) === undefined) {
      next()
      return
    }
    let call: NodeIncomingCall
    try {
      call = new NodeIncomingCall(incoming, path)
    } catch (cause) {
      writeAnswer(problemAnswer(new CallportError('INVALID_INPUT', 'The request URL is not valid', { cause })), incoming, outgoing)
      return
    }
    handle(call)
      .then((reply) => write(reply, incoming, outgoing))
      .catch((error: unknown) => {
        if (next && !outgoing.headersSent) next(error)
        else outgoing.destroy()
      })
      .finally(() => call.finish())
  }
}

import type { IncomingMessage, ServerResponse } from 'node:http'
import type { TLSSocket } from 'node:tls'
import { CallportError } from '@callport/core'
import type { Answer } from './answer'
import type { CallServer } from './create-call-server'
import { pathBelow } from './http-handler'
import { requestSignal } from './connection-signal'
import { handleIncomingCall, type IncomingCall } from './incoming-call'
import { isAbsoluteForm, NodeIncomingCall } from './node-request'
import { problemAnswer } from './problem'

/** A node:http request listener that also works as Connect/Express middleware. */
export type NodeHandler = (request: IncomingMessage, response: ServerResponse, next?: (error?: unknown) => void) => void

/**
 * Express keeps the path before its mount point in `originalUrl`; node:http has only `url`. An
 * absolute-form target (`POST http://host/calls/join`, as sent to proxies) is kept whole.
 */
function originalPath(incoming: IncomingMessage): string {
  const path = (incoming as IncomingMessage & { originalUrl?: string }).originalUrl ?? incoming.url ?? '/'
  return path.startsWith('/') || isAbsoluteForm(path) ? path : `/${path}`
}

function pathnameOf(path: string): string {
  if (isAbsoluteForm(path)) return URL.parse(path)?.pathname ?? path
  const query = path.indexOf('?')
  return query === -1 ? path : path.slice(0, query)
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
  // One Buffer: node:http then writes head and body without re-encoding a string (measurably cheaper per answer).
  const body = Buffer.from(answer.body)
  headers['content-length'] = String(body.length)
  outgoing.writeHead(answer.status, headers).end(body)
}

/** A Fetch API handler: one that answers `undefined` passes the request on (to `next`, or a 404). */
export type FetchHandler = (request: Request) => Promise<Response | undefined> | Response | undefined

/** The request body as a web stream that starts reading the socket on its first pull, so a handler that passes leaves it unread. */
function lazyBody(incoming: IncomingMessage): ReadableStream<Uint8Array> {
  let started = false
  return new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (!started) {
          started = true
          incoming.on('data', (chunk: Buffer) => {
            controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength))
            if ((controller.desiredSize ?? 0) <= 0) incoming.pause()
          })
          incoming.once('end', () => controller.close())
          incoming.once('error', (error) => controller.error(error))
          incoming.once('close', () => {
            if (!incoming.complete) controller.error(new Error('The connection closed before the body ended'))
          })
        }
        incoming.resume()
      },
      cancel() {
        incoming.resume()
      },
    },
    { highWaterMark: 0 },
  ) // no pull before the handler reads
}

function fetchRequestOf(incoming: IncomingMessage, path: string, signal: AbortSignal): Request {
  const protocol = (incoming.socket as TLSSocket).encrypted ? 'https' : 'http'
  const url = new URL(`${protocol}://${incoming.headers.host ?? 'localhost'}${path}`)
  const headers = new Headers()
  const raw = incoming.rawHeaders
  for (let index = 0; index < raw.length; index += 2) headers.append(raw[index]!, raw[index + 1]!)
  const method = incoming.method ?? 'GET'
  const hasBody = method !== 'GET' && method !== 'HEAD'
  return new Request(url, {
    method,
    headers,
    signal,
    ...(hasBody ? { body: lazyBody(incoming), duplex: 'half' } : {}),
  })
}

/** Writes a Fetch Response, streaming its body; stops reading it when the client goes away. */
async function writeResponse(response: Response, incoming: IncomingMessage, outgoing: ServerResponse): Promise<void> {
  const headers: Record<string, string | string[]> = {}
  response.headers.forEach((value, name) => {
    if (name !== 'set-cookie') headers[name] = value
  })
  const cookies = response.headers.getSetCookie()
  if (cookies.length > 0) headers['set-cookie'] = cookies
  if (!incoming.complete) headers.connection = 'close'
  outgoing.writeHead(response.status, response.statusText || undefined, headers)
  if (response.body === null || incoming.method === 'HEAD') {
    await response.body?.cancel()
    outgoing.end()
    return
  }
  const reader = response.body.getReader()
  const stop = () => void reader.cancel().catch(() => {})
  outgoing.once('close', stop)
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      if (!outgoing.write(value)) await new Promise<void>((resolve) => outgoing.once('drain', resolve).once('close', resolve))
      if (outgoing.destroyed) return
    }
    outgoing.end()
  } finally {
    outgoing.off('close', stop)
  }
}

function toNodeFetchHandler(handler: FetchHandler): NodeHandler {
  return (incoming, outgoing, next) => {
    const path = originalPath(incoming)
    const held = requestSignal(incoming.socket)
    const pass = () => {
      if (next) next()
      else outgoing.writeHead(404, closeUnlessRead(incoming, { 'content-length': '0' })).end()
    }
    let request: Request
    try {
      request = fetchRequestOf(incoming, path, held.signal)
    } catch (cause) {
      held.release()
      writeAnswer(problemAnswer(new CallportError('INVALID_INPUT', 'The request URL is not valid', { cause })), incoming, outgoing)
      return
    }
    Promise.resolve()
      .then(() => handler(request))
      .then((response) => (response === undefined ? pass() : writeResponse(response, incoming, outgoing)))
      .catch((error: unknown) => {
        if (next && !outgoing.headersSent) next(error)
        else outgoing.destroy()
      })
      .finally(() => held.release())
  }
}

/**
 * Turns a call server into a node:http request listener: `createServer(toNodeHandler(calls))`.
 * Works as Express/Connect middleware too, mounted at the server's base path
 * (`app.use('/calls', toNodeHandler(calls))` with `basePath: '/calls'`): it reads the full path from
 * `req.originalUrl` and passes requests outside the base path to `next`. Mount it before any body
 * parser, since it reads the request body itself. It reads bodies from the socket as they arrive,
 * up to the API's limit.
 *
 * It also takes any Fetch API handler, such as a vendor's sample routes (`openViduSampleRoutes`):
 * a handler that answers `undefined` passes the request to `next` (a 404 without one), with its body
 * unread, so it chains in front of the call server:
 *
 * ```ts
 * const samples = toNodeHandler(openViduSampleRoutes({ calls, provider }))
 * const api = toNodeHandler(calls)
 * createServer((request, response) => samples(request, response, () => api(request, response)))
 * // Express: app.use(samples); app.use('/calls', api)
 * ```
 *
 * The handler gets a Request whose signal aborts when the client goes away, and its Response is
 * streamed. Limits on the body are the handler's own. A call server given as itself keeps its own
 * path (no Fetch Request is built for it); wrap `calls.fetch` only when you need to.
 */
export function toNodeHandler(handler: CallServer | FetchHandler): NodeHandler {
  if (typeof handler === 'function') return toNodeFetchHandler(handler)
  const calls = handler
  const handle = (calls as CallServer & { [handleIncomingCall]?: (call: IncomingCall) => Promise<Answer> })[handleIncomingCall]
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
      .then((answer) => writeAnswer(answer, incoming, outgoing))
      .catch((error: unknown) => {
        if (next && !outgoing.headersSent) next(error)
        else outgoing.destroy()
      })
      .finally(() => call.finish())
  }
}

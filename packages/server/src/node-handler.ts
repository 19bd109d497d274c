import type { IncomingMessage, ServerResponse } from 'node:http'
import type { TLSSocket } from 'node:tls'
import { CallportError } from '@callport/core'
import { pathBelow } from './http-handler'
import { problemResponse } from './problem'

/** A node:http request listener that also works as Connect/Express middleware. */
export type NodeHandler = (request: IncomingMessage, response: ServerResponse, next?: (error?: unknown) => void) => void

/** What `toNodeHandler` needs of a call server. */
export interface FetchHandlerWithBasePath {
  fetch(request: Request): Promise<Response>
  readonly basePath: string
}

/** Express keeps the path before its mount point in `originalUrl`; node:http has only `url`. */
function originalPath(incoming: IncomingMessage): string {
  return (incoming as IncomingMessage & { originalUrl?: string }).originalUrl ?? incoming.url ?? '/'
}

function pathnameOf(path: string): string {
  const query = path.indexOf('?')
  return query === -1 ? path : path.slice(0, query)
}

/** The request body as a web stream that pauses the socket while nobody reads. */
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
        // Stop buffering; what is left is discarded and the connection closes after the answer.
        incoming.removeAllListeners('data')
        incoming.resume()
      },
    },
    { highWaterMark: 1 },
  )
}

function toRequest(incoming: IncomingMessage, path: string, signal: AbortSignal): Request {
  const protocol = (incoming.socket as TLSSocket).encrypted ? 'https' : 'http'
  const url = `${protocol}://${incoming.headers.host ?? 'localhost'}${path.startsWith('/') ? path : `/${path}`}`
  const headers = new Headers()
  const raw = incoming.rawHeaders
  for (let index = 0; index + 1 < raw.length; index += 2) headers.append(raw[index]!, raw[index + 1]!)
  const method = incoming.method ?? 'GET'
  if (method === 'GET' || method === 'HEAD') return new Request(url, { method, headers, signal })
  return new Request(url, { method, headers, signal, body: bodyStream(incoming), duplex: 'half' } as RequestInit)
}

async function writeResponse(response: Response, incoming: IncomingMessage, outgoing: ServerResponse): Promise<void> {
  const headers: [string, string][] = []
  for (const [name, value] of response.headers) if (name !== 'set-cookie') headers.push([name, value])
  for (const cookie of response.headers.getSetCookie()) headers.push(['set-cookie', cookie])
  // A request body we did not read to the end is not drained: the connection closes after the answer.
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
            outgoing.off('drain', resume)
            outgoing.off('close', resume)
            resolve()
          }
          outgoing.on('drain', resume)
          outgoing.on('close', resume)
        })
        if (outgoing.destroyed) break
      }
    }
  } finally {
    if (outgoing.destroyed) void reader.cancel().catch(() => {})
    outgoing.end()
  }
}

/**
 * Turns a call server into a node:http request listener: `createServer(toNodeHandler(calls))`.
 * Works as Express/Connect middleware too, mounted at the server's base path
 * (`app.use('/calls', toNodeHandler(calls))` with `basePath: '/calls'`): it reads the full path from
 * `req.originalUrl` and passes requests outside the base path to `next`. Mount it before any body
 * parser, since it reads the request body itself. Bodies are streamed both ways.
 */
export function toNodeHandler(calls: FetchHandlerWithBasePath): NodeHandler {
  return (incoming, outgoing, next) => {
    const path = originalPath(incoming)
    if (next && pathBelow(pathnameOf(path), calls.basePath) === undefined) {
      next()
      return
    }
    const controller = new AbortController()
    outgoing.once('close', () => {
      if (!outgoing.writableFinished) controller.abort()
    })
    let request: Request
    try {
      request = toRequest(incoming, path, controller.signal)
    } catch (cause) {
      const error = new CallportError('INVALID_INPUT', 'The request line or headers are not valid', { cause })
      void writeResponse(problemResponse(error), incoming, outgoing)
      return
    }
    calls
      .fetch(request)
      .then((response) => writeResponse(response, incoming, outgoing))
      .catch((error: unknown) => {
        if (next && !outgoing.headersSent) next(error)
        else outgoing.destroy()
      })
  }
}

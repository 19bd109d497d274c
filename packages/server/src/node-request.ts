import type { IncomingMessage } from 'node:http'
import type { TLSSocket } from 'node:tls'
import { BoundedBody, checkDeclaredLength } from './body-limit'
import { requestSignal, type RequestSignal } from './connection-signal'
import { CONSUMED_BODY_MESSAGE, unreadable, type IncomingCall, type ReadBodyOptions } from './incoming-call'
import { configurationError } from './problem'
import { lazyRequest } from './lazy-request'

/** A request after a body parser (Express's `json()`, `urlencoded()`, `raw()`, `text()`…) ran. */
type ParsedRequest = IncomingMessage & { body?: unknown; _body?: unknown }

/**
 * What a body-parsing middleware left of a body it consumed: its raw bytes (`raw()`, `text()`), the
 * value it parsed (`json()`, `urlencoded()`), `unknown` when the stream was read by something that
 * left nothing usable, or undefined when the body is still unread.
 */
function consumedBody(incoming: ParsedRequest): { bytes: Uint8Array } | { parsed: unknown } | 'unknown' | undefined {
  if (!incoming.readableEnded && incoming._body !== true) return undefined
  const { body } = incoming
  if (Buffer.isBuffer(body)) return { bytes: body }
  if (typeof body === 'string') return { bytes: Buffer.from(body) }
  if (typeof body === 'object' && body !== null) return { parsed: body }
  return 'unknown'
}

/** Reads the body from the socket, with no web streams in between; what is left after a refusal is discarded. */
function readNodeBody(incoming: IncomingMessage, limit: number, signal: () => AbortSignal, options: ReadBodyOptions): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    checkDeclaredLength(incoming.headers['content-length'], limit)
    const body = new BoundedBody(limit)
    const consumed = consumedBody(incoming)
    if (consumed !== undefined) {
      if (options.consumed === 'ignore') resolve(body.bytes())
      else if (typeof consumed === 'object' && 'bytes' in consumed) {
        body.add(consumed.bytes)
        resolve(body.bytes())
      } else reject(configurationError(CONSUMED_BODY_MESSAGE))
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

/** An IncomingCall read straight from node:http; Fetch objects are made only when asked for. */
export class NodeIncomingCall implements IncomingCall {
  readonly method: string
  readonly url: string
  readonly pathname: string
  readonly #incoming: IncomingMessage
  #signal: RequestSignal | undefined
  #request: Request | undefined

  /** `path` is the origin-form target (`/calls/join?x`), or an absolute-form one (`http://host/calls/join`), whose host wins over `Host`. */
  constructor(incoming: IncomingMessage, path: string) {
    const protocol = (incoming.socket as TLSSocket).encrypted ? 'https' : 'http'
    const url = isAbsoluteForm(path) ? new URL(path) : new URL(`${protocol}://${incoming.headers.host ?? 'localhost'}${path}`)
    this.#incoming = incoming
    this.method = incoming.method ?? 'GET'
    this.url = url.href
    this.pathname = url.pathname
  }

  get signal(): AbortSignal {
    this.#signal ??= requestSignal(this.#incoming.socket)
    return this.#signal.signal
  }

  /** The answer is out: a connection that closes from now on no longer aborts this request. */
  finish(): void {
    this.#signal?.release()
  }

  header(name: string): string | null {
    const value = this.#incoming.headers[name]
    return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value
  }

  headers(): Headers {
    return this.request().headers
  }

  readBody(limit: number, options: ReadBodyOptions = {}): Promise<Uint8Array> {
    return readNodeBody(this.#incoming, limit, () => this.signal, options)
  }

  parsedBody(): { value: unknown } | undefined {
    const consumed = consumedBody(this.#incoming)
    return typeof consumed === 'object' && 'parsed' in consumed ? { value: consumed.parsed } : undefined
  }

  /** A Request without its body, for `authorize`: lazy, since most readers want a header or two. */
  request(): Request {
    const { method, url } = this
    this.#request ??= lazyRequest(
      { method, url, headers: () => new Headers(headerPairs(this.#incoming.rawHeaders)) },
      (headers) => new Request(url, { method, headers, signal: this.signal }),
    )
    return this.#request
  }
}

function headerPairs(raw: string[]): [string, string][] {
  const pairs: [string, string][] = []
  for (let index = 0; index + 1 < raw.length; index += 2) pairs.push([raw[index]!, raw[index + 1]!])
  return pairs
}

/** True for an absolute-form request target (RFC 9112 §3.2.2), such as `http://host/calls/join`. */
export function isAbsoluteForm(target: string): boolean {
  return /^https?:\/\//i.test(target)
}

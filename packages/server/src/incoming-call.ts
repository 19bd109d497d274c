import { CallportError } from '@callport/core'
import { BoundedBody, checkDeclaredLength } from './body-limit'
import { configurationError } from './problem'

/** What `readBody` does when something before the call server already consumed the body. */
export interface ReadBodyOptions {
  /**
   * `refuse` (default): a 500 configuration error naming the body parser, unless the parser left the raw
   * bytes (`express.raw()`, `express.text()`); `ignore`: an empty body (for routes that ignore it).
   */
  consumed?: 'refuse' | 'ignore'
}

/**
 * A request as the HTTP API reads it: from a Fetch API Request, or straight from node:http so that
 * the hot path builds no Fetch objects it does not need.
 */
export interface IncomingCall {
  readonly method: string
  /** Absolute URL of the request. */
  readonly url: string
  /** The URL's path, still percent-encoded. */
  readonly pathname: string
  /** Fires when the client goes away before it has its answer. */
  readonly signal: AbortSignal
  /** A header's value, or null; `name` in lower case. */
  header(name: string): string | null
  headers(): Headers
  /** The whole body, refused with PAYLOAD_TOO_LARGE past `limit` bytes. Read it once. */
  readBody(limit: number, options?: ReadBodyOptions): Promise<Uint8Array>
  /**
   * The body as a body-parsing middleware (such as Express's `json()`) already parsed it into
   * `request.body`, or undefined when no middleware did.
   */
  parsedBody?(): { value: unknown } | undefined
  /** A Request with this request's method, URL and headers, for `authorize` (the body is the API's to read). */
  request(): Request
}

/** The message of the configuration error for a body that was read before the call server saw it. */
export const CONSUMED_BODY_MESSAGE =
  'The request body was already read before the Callport handler got it: mount the handler before body parsers such as express.json(), express.urlencoded() or express.text()'

/** Reads a Fetch body chunk by chunk, stopping as soon as it exceeds `limit`. */
async function readWebBody(request: Request, limit: number, options: ReadBodyOptions = {}): Promise<Uint8Array> {
  checkDeclaredLength(request.headers.get('content-length'), limit)
  const body = new BoundedBody(limit)
  if (request.bodyUsed) {
    if (options.consumed === 'ignore') return body.bytes()
    throw configurationError(CONSUMED_BODY_MESSAGE)
  }
  if (request.body === null) return body.bytes()
  const reader = request.body.getReader()
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) return body.bytes()
      body.add(value)
    }
  } catch (error) {
    void reader.cancel().catch(() => {})
    throw unreadable(error, request.signal)
  }
}

/** What a failure to read a body becomes: itself if it is a CallportError, else ABORTED or INVALID_INPUT. */
export function unreadable(error: unknown, signal: AbortSignal): CallportError {
  if (CallportError.isInstance(error)) return error
  if (signal.aborted) return new CallportError('ABORTED', 'The request was aborted', { cause: error })
  return new CallportError('INVALID_INPUT', 'The request body could not be read', { cause: error })
}

export function fromFetchRequest(request: Request): IncomingCall {
  return {
    method: request.method,
    url: request.url,
    pathname: new URL(request.url).pathname,
    signal: request.signal,
    header: (name) => request.headers.get(name),
    headers: () => request.headers,
    readBody: (limit, options) => readWebBody(request, limit, options),
    request: () => request,
  }
}

/** Where a call server keeps its IncomingCall handler, for `toNodeHandler`. */
export const handleIncomingCall = Symbol('callport.handleIncomingCall')

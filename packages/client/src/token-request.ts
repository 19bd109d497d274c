import { CallportError, httpStatusOfCode, ProblemSchema, type ErrorCode, abortedError, linkSignal } from '@callport/core'

/** How long a token request may take before it counts as a network failure. */
export const TOKEN_REQUEST_TIMEOUT_MS = 10_000

/** What the app adds to each request to its Callport endpoints (join, invites): its own headers and credentials mode. */
export interface RequestSettings {
  /** Headers sent with each request (an auth header, a CSRF token), or a function giving them per request (may be async). */
  headers?: HeadersInit | (() => HeadersInit | Promise<HeadersInit>)
  /** `fetch`'s credentials mode (`include` sends cookies to another origin). Default: the browser's (`same-origin`). */
  credentials?: RequestCredentials
}

/** POSTs `{ room }` as JSON to the app's join endpoint and returns the parsed JSON answer (not yet validated). */
export const requestJoin = (url: string, room: string, signal: AbortSignal, settings?: RequestSettings): Promise<unknown> => postJson(url, { room }, signal, settings)

/**
 * POSTs `body` as JSON to one of the app's Callport endpoints and returns the parsed JSON answer (not
 * yet validated). HTTP errors become CallportErrors that keep the status and body; a problem+json
 * answer gives its own `code`. Network failures and timeouts are CONNECTION_FAILED and retryable.
 *
 * Uses `fetch` directly rather than ky: ky 1.14 alone is 5,079 B minified and gzipped, and with
 * eventemitter3 and zod/mini it would leave under 2 KiB of the client's 12 KiB budget for the session
 * itself, for one POST whose retries and timeout the session does itself. (ky serves the vendor
 * REST clients on the server, where size does not count.)
 */
export async function postJson(url: string, payload: unknown, signal: AbortSignal | undefined, settings: RequestSettings = {}): Promise<unknown> {
  const given = settings.headers
  let headers: Headers
  try {
    headers = new Headers(typeof given === 'function' ? await given() : given)
  } catch (error) {
    throw new CallportError('CONNECTION_FAILED', `The headers for ${url} could not be made`, { cause: error })
  }
  if (!headers.has('content-type')) headers.set('content-type', 'application/json')
  if (!headers.has('accept')) headers.set('accept', 'application/json')
  const request = new AbortController()
  const unlink = linkSignal(signal, request)
  const timer = setTimeout(() => request.abort(), TOKEN_REQUEST_TIMEOUT_MS)
  let response: Response
  let text: string
  try {
    response = await fetch(url, {
      method: 'POST',
      headers,
      body: JSON.stringify(payload),
      ...(settings.credentials === undefined ? {} : { credentials: settings.credentials }),
      signal: request.signal,
    })
    text = await response.text()
  } catch (error) {
    if (signal?.aborted) throw abortedError(signal)
    const reason = request.signal.aborted ? `timed out after ${TOKEN_REQUEST_TIMEOUT_MS} ms` : 'failed'
    throw new CallportError('CONNECTION_FAILED', `The request to ${url} ${reason}`, { cause: error, retryable: true })
  } finally {
    clearTimeout(timer)
    unlink()
  }
  const body = parseJson(text)
  if (response.ok) return body
  throw errorFromAnswer(response.status, response.headers.get('content-type') ?? '', body)
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}

function errorFromAnswer(status: number, contentType: string, body: unknown): CallportError {
  const vendor = { status, body }
  const problem = contentType.includes('application/problem+json') ? ProblemSchema.safeParse(body) : undefined
  if (problem?.success && isErrorCode(problem.data.code)) {
    const { code, detail, title, retryable, provider } = problem.data
    return new CallportError(code, detail ?? title, { vendor, retryable, provider })
  }
  const code =
    (Object.keys(httpStatusOfCode) as ErrorCode[]).find((candidate) => httpStatusOfCode[candidate] === status) ?? (status >= 500 ? 'PROVIDER_UNAVAILABLE' : 'INVALID_INPUT')
  return new CallportError(code, `The endpoint answered HTTP ${status}`, { vendor, retryable: status >= 500 || status === 429 })
}

/** True for a code of the closed union (`httpStatusOfCode` has one entry per code). */
function isErrorCode(code: string): code is ErrorCode {
  return Object.hasOwn(httpStatusOfCode, code)
}

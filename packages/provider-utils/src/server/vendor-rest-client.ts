import ky from 'ky'
import type * as z from 'zod/mini'
import { CallportError, isAbortError, sleep, throwIfAborted, type ErrorCode } from '@callport/core'
import { extendStatusMeanings, meaningOfStatus, type StatusMeaning, type StatusMeanings } from './status-meanings'
import type { ResolvedVendorRestSettings } from './vendor-rest-settings'
import { VERSION } from '../shared/version'

/** Who a REST client works for: named in errors and in the `User-Agent`. */
export interface VendorRestClientOptions {
  /** The provider id, such as `twilio`. */
  provider: string
  /** The vendor's name in messages, such as `Twilio`. */
  vendor: string
  /** The provider package's version, for the `User-Agent`. */
  providerVersion: string
  /** Where relative request paths resolve, such as `https://video.twilio.com`. */
  baseUrl: string
  /** Headers with the credentials (and `accept`), sent with every request; they win over `settings.headers`. */
  headers: Record<string, string>
  settings: ResolvedVendorRestSettings
  /** The vendor's differences from the default status table. */
  statusMeanings?: StatusMeanings
  /**
   * Reads the vendor's error body: a documented vendor error code may change the meaning, and the
   * vendor's own words become the message's detail. Default: the body's `message` or `error` string.
   */
  describeError?: (answer: VendorAnswerSnapshot) => VendorErrorDescription | undefined
  /** Largest answer read, in bytes; a larger one fails the request. Default 1 MiB. */
  maximumResponseBytes?: number
}

/** A failed answer as `describeError` sees it. */
export interface VendorAnswerSnapshot {
  status: number
  body: unknown
  headers: Headers
}

/** What `describeError` found in a vendor's error body. */
export interface VendorErrorDescription extends Partial<StatusMeaning> {
  /** The vendor's own words, appended to the message (bounded). */
  detail?: string
  /** Machine-readable detail for the error's `details` (a vendor error code, say). */
  details?: unknown
}

/** The body of a request: JSON, or form-encoded fields (an array value repeats its key). */
export type VendorRequestBody = { json: unknown } | { form: Record<string, string | number | boolean | readonly (string | number)[] | undefined> }

export interface VendorRequest<T> {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'
  /** A path below the base URL (`/v1/Rooms`), or an absolute URL on the base URL's origin (a next page). */
  path: string
  body?: VendorRequestBody
  /** Query parameters; undefined values are left out. */
  query?: Record<string, string | number | boolean | undefined>
  /** Validates a 2xx body; without it the body is returned as parsed JSON (or text, or undefined when empty). */
  schema?: z.ZodMiniType<T>
  /** What is being done, ending the error message: "creating the room standup". */
  operation: string
  signal?: AbortSignal | undefined
  /**
   * Whether sending the request twice is harmless. Idempotent requests are retried on every
   * retryable failure; others only on 429 and 503, which say the vendor did not act. Default: true
   * for GET, PUT and DELETE, false for POST and PATCH.
   */
  idempotent?: boolean
  /** What a 404 means for this request, such as `ROOM_NOT_FOUND`. */
  notFound?: ErrorCode
  /** This request's differences from the client's status table. */
  statusMeanings?: StatusMeanings
}

/** A 2xx answer, or an answer whose status the request listed in `accept`. */
export type VendorAnswer<T> = { ok: true; status: number; headers: Headers; data: T } | { ok: false; status: number; headers: Headers; body: unknown }

/** One vendor REST API: base URL, credentials, status table, timeout, retries and size limit. */
export interface VendorRestClient {
  /** The parsed 2xx body; any other status throws a CallportError that keeps the vendor's status and body. */
  request<T = unknown>(request: VendorRequest<T>): Promise<T>
  /** Like `request`, but the statuses in `accept` (a 404 that means "absent", a 409 that means "exists") are answers, not errors. */
  requestWithStatus<T = unknown>(request: VendorRequest<T> & { accept: readonly number[] }): Promise<VendorAnswer<T>>
}

const DEFAULT_MAXIMUM_RESPONSE_BYTES = 1024 * 1024
/** How much of a vendor's body an error keeps, and how much of its message a Callport message quotes. */
const BODY_EXCERPT_CHARACTERS = 4096
const DETAIL_CHARACTERS = 300
const MAXIMUM_REDIRECTS = 3
/** Statuses that say the vendor did not act on the request, so even a POST may be sent again. */
const NOT_PROCESSED = new Set([429, 503])

class TooLarge extends Error {}

/** The `Authorization` header value for HTTP Basic auth (RFC 7617, UTF-8), with no Node API. */
export function basicAuthorization(user: string, password: string): string {
  const bytes = new TextEncoder().encode(`${user}:${password}`)
  let binary = ''
  for (const byte of bytes) binary += String.fromCharCode(byte)
  return `Basic ${btoa(binary)}`
}

/** Reads a body up to `limit` bytes, under `signal`; throws TooLarge past the limit. */
async function readText(response: Response, limit: number): Promise<string> {
  const declared = Number(response.headers.get('content-length'))
  if (Number.isFinite(declared) && declared > limit) {
    await response.body?.cancel().catch(() => undefined)
    throw new TooLarge()
  }
  if (!response.body) return ''
  const reader = response.body.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.byteLength
    if (size > limit) {
      await reader.cancel().catch(() => undefined)
      throw new TooLarge()
    }
    chunks.push(value)
  }
  const bytes = new Uint8Array(size)
  let offset = 0
  for (const chunk of chunks) {
    bytes.set(chunk, offset)
    offset += chunk.byteLength
  }
  return new TextDecoder().decode(bytes)
}

/** JSON when it parses, the text when it does not, undefined when empty. */
function parseBody(text: string): unknown {
  if (text === '') return undefined
  try {
    return JSON.parse(text) as unknown
  } catch {
    return text
  }
}

/** What an error keeps of a vendor's body: the parsed body when small, else the start of its text. */
function excerptOf(text: string, body: unknown): unknown {
  if (text.length <= BODY_EXCERPT_CHARACTERS) return body
  return `${text.slice(0, BODY_EXCERPT_CHARACTERS)}… (${text.length - BODY_EXCERPT_CHARACTERS} more characters)`
}

function defaultDescription({ body }: VendorAnswerSnapshot): VendorErrorDescription | undefined {
  if (typeof body !== 'object' || body === null) return undefined
  const { message, error } = body as { message?: unknown; error?: unknown }
  if (typeof message === 'string' && message.length > 0) return { detail: message }
  if (typeof error === 'string' && error.length > 0) return { detail: error }
  return undefined
}

function bounded(text: string): string {
  return text.length <= DETAIL_CHARACTERS ? text : `${text.slice(0, DETAIL_CHARACTERS)}…`
}

/** Milliseconds a `Retry-After` header asks for (seconds or an HTTP date), if any. */
function retryAfterMilliseconds(headers: Headers): number | undefined {
  const value = headers.get('retry-after')
  if (value === null) return undefined
  const seconds = Number(value)
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000
  const date = Date.parse(value)
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now())
}

function appendForm(form: URLSearchParams, fields: Extract<VendorRequestBody, { form: unknown }>['form']): URLSearchParams {
  for (const [name, value] of Object.entries(fields)) {
    if (value === undefined) continue
    if (Array.isArray(value)) for (const each of value as readonly (string | number)[]) form.append(name, String(each))
    else form.append(name, String(value))
  }
  return form
}

/**
 * The one vendor REST client of Callport's providers, on ky: resolves paths against the base URL,
 * sends the credentials and a `User-Agent` naming Callport and the provider, bounds each attempt
 * (headers and body) by `settings.timeout` and the answer by `maximumResponseBytes`, retries
 * transient failures with exponential backoff (honouring `Retry-After` up to
 * `retry.maximumDelay`), follows redirects only within the base URL's origin (credentials never
 * leave it), validates 2xx bodies with the request's schema, and turns every other answer into a
 * CallportError through the status table: the vendor's status, headers and a bounded excerpt of its
 * body stay on `error.vendor`; `retryable` says whether trying again may help.
 */
export function createVendorRestClient(options: VendorRestClientOptions): VendorRestClient {
  const { provider, vendor, settings } = options
  const origin = new URL(options.baseUrl).origin
  const table = extendStatusMeanings(options.statusMeanings ?? {})
  const limit = options.maximumResponseBytes ?? DEFAULT_MAXIMUM_RESPONSE_BYTES
  const describe = options.describeError ?? defaultDescription
  const headers = {
    'user-agent': `Callport/${VERSION} (${provider}/${options.providerVersion})`,
    ...settings.headers,
    ...options.headers,
  }
  const http = ky.create({
    headers,
    timeout: false,
    retry: 0,
    throwHttpErrors: false,
    redirect: 'manual',
    ...(settings.fetch ? { fetch: settings.fetch } : {}),
  })

  function urlOf(path: string, query: VendorRequest<unknown>['query']): URL {
    const url = /^https?:\/\//i.test(path) ? new URL(path) : new URL(`${options.baseUrl.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`)
    if (url.origin !== origin) {
      throw new CallportError('PROVIDER_REJECTED', `${vendor} pointed to another origin (${url.origin}); credentials are sent only to ${origin}`, { provider })
    }
    for (const [name, value] of Object.entries(query ?? {})) if (value !== undefined) url.searchParams.append(name, String(value))
    return url
  }

  function failure(
    code: ErrorCode,
    message: string,
    retryable: boolean,
    extra: { cause?: unknown; vendor?: { status: number; body: unknown; headers: Record<string, string> }; details?: unknown } = {},
  ) {
    return new CallportError(code, message, { provider, retryable, ...extra })
  }

  /** One attempt: the answer's status, headers and text, all within `timeout`. */
  async function attempt(url: URL, request: VendorRequest<unknown>, signal: AbortSignal | undefined): Promise<{ response: Response; text: string }> {
    const timer = AbortSignal.timeout(settings.timeout)
    const combined = signal ? AbortSignal.any([signal, timer]) : timer
    let target = url
    for (let redirects = 0; ; redirects += 1) {
      const body = request.body
      const response = await http(target, {
        method: request.method,
        signal: combined,
        ...(body === undefined ? {} : 'json' in body ? { json: body.json } : { body: appendForm(new URLSearchParams(), body.form) }),
      })
      const location = response.headers.get('location')
      if (response.status >= 300 && response.status < 400 && location !== null) {
        await response.body?.cancel().catch(() => undefined)
        const next = new URL(location, target)
        if (next.origin !== origin || redirects >= MAXIMUM_REDIRECTS) {
          throw failure(
            'PROVIDER_REJECTED',
            `${vendor} redirected ${request.operation === '' ? 'the request' : request.operation} to ${next.origin}${next.pathname}; credentials are sent only to ${origin}, so the redirect was not followed`,
            false,
            {
              vendor: { status: response.status, body: undefined, headers: Object.fromEntries(response.headers) },
            },
          )
        }
        target = next
        continue
      }
      return { response, text: await readText(response, limit) }
    }
  }

  function transportFailure(error: unknown, signal: AbortSignal | undefined, operation: string): CallportError {
    if (CallportError.isInstance(error)) return error
    if (signal?.aborted) return new CallportError('ABORTED', `Aborted while ${operation}`, { provider, cause: signal.reason })
    if (error instanceof TooLarge) return failure('PROVIDER_REJECTED', `${vendor} answered with more than ${limit} bytes while ${operation}`, false)
    const reason = isAbortError(error)
      ? `${vendor} did not answer within ${settings.timeout} ms`
      : `${vendor} could not be reached (${error instanceof Error ? error.message : String(error)})`
    return failure('PROVIDER_UNAVAILABLE', `${reason} while ${operation}`, true, { cause: error })
  }

  function errorOf(request: VendorRequest<unknown>, response: Response, text: string, body: unknown): CallportError {
    const layered = request.statusMeanings ? extendStatusMeanings(table, request.statusMeanings) : table
    let meaning = meaningOfStatus(response.status, layered)
    if (response.status === 404 && request.notFound && !request.statusMeanings?.[404]) meaning = { ...meaning, code: request.notFound }
    const described = describe({ status: response.status, body, headers: response.headers }) ?? {}
    const code = described.code ?? meaning.code
    const retryable = described.retryable ?? (described.code === undefined ? meaning.retryable : false)
    const detail = described.detail === undefined ? '' : `: ${bounded(described.detail)}`
    return failure(code, `${vendor} ${described.message ?? meaning.message} (HTTP ${response.status}) while ${request.operation}${detail}`, retryable, {
      vendor: { status: response.status, body: excerptOf(text, body), headers: Object.fromEntries(response.headers) },
      details: described.details,
    })
  }

  async function send<T>(request: VendorRequest<T>, accept: readonly number[]): Promise<VendorAnswer<T>> {
    const { signal, operation } = request
    throwIfAborted(signal)
    const url = urlOf(request.path, request.query)
    const idempotent = request.idempotent ?? !['POST', 'PATCH'].includes(request.method)
    const { limit: retries, initialDelay, maximumDelay } = settings.retry
    for (let attemptNumber = 0; ; attemptNumber += 1) {
      let outcome: { response: Response; text: string } | undefined
      let error: CallportError
      try {
        outcome = await attempt(url, request, signal)
      } catch (thrown) {
        outcome = undefined
        error = transportFailure(thrown, signal, operation)
        if (error.code === 'ABORTED' || !error.retryable || !idempotent || attemptNumber >= retries) throw error
        await sleep(Math.min(initialDelay * 2 ** attemptNumber, maximumDelay), signal).catch(() => {
          throw transportFailure(undefined, signal, operation)
        })
        continue
      }
      const { response, text } = outcome
      const body = parseBody(text)
      if (response.ok) {
        if (!request.schema) return { ok: true, status: response.status, headers: response.headers, data: body as T }
        const parsed = request.schema.safeParse(body)
        if (parsed.success) return { ok: true, status: response.status, headers: response.headers, data: parsed.data }
        throw failure('PROVIDER_REJECTED', `${vendor} answered with an unexpected body while ${operation}`, false, {
          vendor: { status: response.status, body: excerptOf(text, body), headers: Object.fromEntries(response.headers) },
          details: parsed.error.issues,
        })
      }
      if (accept.includes(response.status)) return { ok: false, status: response.status, headers: response.headers, body }
      error = errorOf(request, response, text, body)
      const mayRepeat = idempotent || NOT_PROCESSED.has(response.status)
      const wait = retryAfterMilliseconds(response.headers) ?? Math.min(initialDelay * 2 ** attemptNumber, maximumDelay)
      if (!error.retryable || !mayRepeat || attemptNumber >= retries || wait > maximumDelay) throw error
      await sleep(wait, signal).catch(() => {
        throw transportFailure(undefined, signal, operation)
      })
    }
  }

  return {
    async request<T>(request: VendorRequest<T>): Promise<T> {
      const answer = await send(request, [])
      return (answer as { data: T }).data
    },
    requestWithStatus: (request) => send(request, request.accept),
  }
}

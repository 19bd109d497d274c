/** HTTP status used when an error of a code crosses the HTTP API; its keys are the closed set of codes. */
export const httpStatusOfCode = {
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  INVALID_INPUT: 400,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  /** The resource is no longer in a state that allows the request (an invite already settled). */
  CONFLICT: 409,
  /** The room already has as many participants as its provider allows (`capabilities.maximumParticipants`). */
  ROOM_FULL: 409,
  ROOM_NOT_FOUND: 404,
  PARTICIPANT_NOT_FOUND: 404,
  TOKEN_EXPIRED: 401,
  RATE_LIMITED: 429,
  PROVIDER_UNAVAILABLE: 503,
  PROVIDER_REJECTED: 502,
  UNSUPPORTED: 501,
  CONNECTION_FAILED: 502,
  ABORTED: 499,
  INTERNAL: 500,
  /** The browser (or the user) refused access to a camera, microphone or screen (`NotAllowedError`). */
  PERMISSION_DENIED: 403,
  /** No camera or microphone matches, or the chosen one is gone (`NotFoundError`, `OverconstrainedError` on `deviceId`). */
  DEVICE_NOT_FOUND: 404,
  /** The device exists but cannot be opened: another application holds it, or the hardware failed (`NotReadableError`). */
  DEVICE_IN_USE: 409,
  /** No device can satisfy the constraints asked for (`OverconstrainedError` on anything but `deviceId`). */
  CONSTRAINTS_NOT_SATISFIABLE: 400,
} as const satisfies Record<string, number>

/** The closed set of error codes Callport reports. Every failure, from any provider, maps to one. */
export type ErrorCode = keyof typeof httpStatusOfCode

export const errorCodes = /* @__PURE__ */ Object.keys(httpStatusOfCode) as ErrorCode[]

/** What a vendor answered, kept on the error so nothing is lost. */
export interface VendorResponse {
  status: number
  body: unknown
  headers?: Record<string, string>
}

export interface CallportErrorOptions {
  /** Provider id the failure came from, when it came from one. */
  provider?: string
  /** Whether trying again (after a pause) may succeed. Defaults by code. */
  retryable?: boolean
  cause?: unknown
  /** The vendor's HTTP status and body, for vendor failures. */
  vendor?: VendorResponse
  /** Extra machine-readable detail (for example zod issues). */
  details?: unknown
}

const brand = Symbol.for('callport.error')

const retryableByDefault: ReadonlySet<ErrorCode> = new Set(['PROVIDER_UNAVAILABLE', 'RATE_LIMITED', 'CONNECTION_FAILED'])

/**
 * The one error class of Callport. `code` is from a closed union; `retryable` says whether a retry
 * may help; vendor failures keep the vendor's status and body in `vendor`.
 */
export class CallportError extends Error {
  readonly code: ErrorCode
  readonly provider: string | undefined
  readonly retryable: boolean
  readonly vendor: VendorResponse | undefined
  readonly details: unknown
  readonly [brand] = true

  constructor(code: ErrorCode, message: string, options: CallportErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'CallportError'
    this.code = code
    this.provider = options.provider
    this.retryable = options.retryable ?? retryableByDefault.has(code)
    this.vendor = options.vendor
    this.details = options.details
  }

  /** True for a CallportError from any copy of this package (duplicate installs, bundles, realms). */
  static isInstance(value: unknown): value is CallportError {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[brand] === true
  }

  /** The HTTP status this error maps to. */
  get status(): number {
    return httpStatusOfCode[this.code]
  }

  toJSON(): { code: ErrorCode; message: string; provider?: string; retryable: boolean } {
    return {
      code: this.code,
      message: this.message,
      retryable: this.retryable,
      ...(this.provider === undefined ? {} : { provider: this.provider }),
    }
  }
}

/** Wraps anything thrown into a CallportError, keeping the original as `cause`. */
export function toCallportError(error: unknown, fallback: { code?: ErrorCode; provider?: string } = {}): CallportError {
  if (CallportError.isInstance(error)) return error
  if (isAbortError(error)) return new CallportError('ABORTED', 'The operation was aborted', { cause: error, provider: fallback.provider })
  const message = error instanceof Error ? error.message : String(error)
  return new CallportError(fallback.code ?? 'INTERNAL', message, { cause: error, provider: fallback.provider })
}

export function isAbortError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && ((error as { name?: unknown }).name === 'AbortError' || (error as { name?: unknown }).name === 'TimeoutError')
}

/** Throws ABORTED if the signal has fired. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) {
    throw new CallportError('ABORTED', 'The operation was aborted', { cause: signal.reason })
  }
}

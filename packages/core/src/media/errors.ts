import { CallportError, type ErrorCode } from '../errors'

const codeOfName: Readonly<Record<string, ErrorCode>> = {
  NotAllowedError: 'PERMISSION_DENIED',
  SecurityError: 'PERMISSION_DENIED',
  // Older browsers' names for the same failures.
  PermissionDeniedError: 'PERMISSION_DENIED',
  NotFoundError: 'DEVICE_NOT_FOUND',
  DevicesNotFoundError: 'DEVICE_NOT_FOUND',
  NotReadableError: 'DEVICE_IN_USE',
  TrackStartError: 'DEVICE_IN_USE',
  // Firefox: the device exists but could not be started.
  AbortError: 'DEVICE_IN_USE',
  NotSupportedError: 'UNSUPPORTED',
  TypeError: 'INVALID_INPUT',
}

const messageOfCode: Partial<Record<ErrorCode, string>> = {
  PERMISSION_DENIED: 'Access to the camera, microphone or screen was denied',
  DEVICE_NOT_FOUND: 'No such camera, microphone or speaker',
  DEVICE_IN_USE: 'The device cannot be opened: another application may be using it',
  CONSTRAINTS_NOT_SATISFIABLE: 'No device satisfies the requested constraints',
}

/**
 * Maps a failure of `getUserMedia`, `getDisplayMedia` or `setSinkId` to a CallportError, keeping
 * the browser's error as `cause`: NotAllowedError / SecurityError → PERMISSION_DENIED, NotFoundError
 * (and OverconstrainedError on `deviceId`) → DEVICE_NOT_FOUND, NotReadableError / AbortError →
 * DEVICE_IN_USE, any other OverconstrainedError → CONSTRAINTS_NOT_SATISFIABLE. A CallportError is
 * returned as it is; anything else is INTERNAL.
 */
export function toMediaError(error: unknown, provider?: string): CallportError {
  if (CallportError.isInstance(error)) return error
  const { name, message, constraint } = (typeof error === 'object' && error !== null ? error : {}) as { name?: unknown; message?: unknown; constraint?: unknown }
  let code: ErrorCode = 'INTERNAL'
  if (name === 'OverconstrainedError' || name === 'ConstraintNotSatisfiedError') {
    code = constraint === 'deviceId' ? 'DEVICE_NOT_FOUND' : 'CONSTRAINTS_NOT_SATISFIABLE'
  } else if (typeof name === 'string' && Object.hasOwn(codeOfName, name)) {
    code = codeOfName[name] as ErrorCode
  }
  const detail = typeof message === 'string' && message !== '' ? message : String(error)
  const summary = messageOfCode[code]
  return new CallportError(code, summary === undefined ? detail : `${summary} (${detail})`, {
    cause: error,
    provider,
    details: typeof constraint === 'string' ? { constraint } : undefined,
  })
}

/** Names in `codeOfName` that other browser APIs raise too, so they do not show that capture failed. */
const notOnlyCapture: readonly string[] = ['AbortError', 'NotSupportedError', 'TypeError']

/**
 * Whether `error` is one of the browser's own getUserMedia / getDisplayMedia failures (NotAllowedError,
 * SecurityError, NotFoundError, NotReadableError, OverconstrainedError and their older names), as a
 * vendor SDK passes them on: such an error is the caller's to type with `toMediaError`, not the
 * vendor's. AbortError, NotSupportedError and TypeError are not counted, as other APIs raise them too.
 */
export function isMediaCaptureError(error: unknown): boolean {
  const name = typeof error === 'object' && error !== null ? (error as { name?: unknown }).name : undefined
  if (typeof name !== 'string') return false
  return name === 'OverconstrainedError' || name === 'ConstraintNotSatisfiedError' || (Object.hasOwn(codeOfName, name) && !notOnlyCapture.includes(name))
}

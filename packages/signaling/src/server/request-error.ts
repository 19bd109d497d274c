import { CallportError } from '@callport/core'
import { signalingErrorCodes, type SignalingError } from '../shared/protocol'

export type SignalingErrorCode = SignalingError['code']

/** A refusal the server sends back as `(null, { code, message })` (or as a `connect_error`'s `data`). */
export class SignalingRequestError extends Error {
  readonly code: SignalingErrorCode

  constructor(code: SignalingErrorCode, message: string) {
    super(message)
    this.name = 'SignalingRequestError'
    this.code = code
  }
}

const sharedCodes: ReadonlySet<string> = new Set(signalingErrorCodes)

/** The wire form of anything a handler threw; unexpected errors become `INTERNAL` without details. */
export function toSignalingError(error: unknown): SignalingError {
  if (error instanceof SignalingRequestError) return { code: error.code, message: error.message }
  if (CallportError.isInstance(error) && sharedCodes.has(error.code)) {
    return { code: error.code as SignalingErrorCode, message: error.message }
  }
  return { code: 'INTERNAL', message: 'The signaling server failed to handle the request' }
}

/** True for errors that are the client's fault (no need to report them as server errors). */
export function isExpectedError(error: unknown): boolean {
  return toSignalingError(error).code !== 'INTERNAL'
}

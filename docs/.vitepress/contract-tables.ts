import { CallportError, disconnectReasons, errorCodes, httpStatusOfCode, recoverableDisconnectReasons, type DisconnectReason, type ErrorCode } from '@callport/core'

/**
 * The error-code and disconnect-reason tables of the concepts page, built from `@callport/core`'s own
 * lists: a code or reason added there fails to compile here until it is described.
 */

const errorMeanings = {
  UNAUTHORIZED: '`authorize` returned null, or a credential was refused',
  FORBIDDEN: 'authenticated, but not allowed (an unverified webhook, a banned user…)',
  INVALID_INPUT: 'a room name, participant, option or body that does not validate',
  PAYLOAD_TOO_LARGE: 'a request body over 16 KiB, a signaling message over its limit',
  UNSUPPORTED_MEDIA_TYPE: 'a request body that is not `application/json`',
  NOT_FOUND: 'no such route',
  METHOD_NOT_ALLOWED: 'a route asked with the wrong method',
  CONFLICT: 'the resource no longer allows the request (an invite already settled)',
  ROOM_FULL: 'the room already holds as many participants as its provider allows (`capabilities.maximumParticipants`)',
  ROOM_NOT_FOUND: 'the room is not live (on the server) or does not exist (on the provider)',
  PARTICIPANT_NOT_FOUND: 'no such participant in the room, or no such user at the vendor',
  TOKEN_EXPIRED: 'the token’s `expiresAt` has passed',
  RATE_LIMITED: 'the vendor or the signaling server asks to slow down',
  PROVIDER_UNAVAILABLE: 'the vendor is down, timed out or unreachable',
  PROVIDER_REJECTED: 'the vendor refused the request (a configuration problem, not the user’s)',
  UNSUPPORTED: 'the provider cannot do this (see its capabilities), or no adapter for the token’s provider',
  CONNECTION_FAILED: 'the browser could not connect, or lost the connection',
  ABORTED: 'an `AbortSignal` fired, or `leave()` cancelled a join',
  INTERNAL: 'a bug or an unexpected failure; its message is never sent over HTTP',
  PERMISSION_DENIED: 'the user or the browser refused the camera, microphone or screen',
  DEVICE_NOT_FOUND: 'no such camera or microphone, or the chosen one is gone',
  DEVICE_IN_USE: 'the device exists but cannot be opened (another application holds it)',
  CONSTRAINTS_NOT_SATISFIABLE: 'no device can give what the constraints ask for',
} as const satisfies Record<ErrorCode, string>

const reasonMeanings = {
  'client-initiated': 'the app called `leave()`',
  removed: 'a moderator or the server removed this participant',
  'room-closed': 'the room was closed on the provider',
  'duplicate-identity': 'another connection joined with the same identity',
  'token-expired': 'the credential expired and the vendor ended the call',
  unauthorized: 'the credential was refused',
  'connection-lost': 'the network or the media path was lost',
  'server-shutdown': 'the provider’s server went away',
  'join-failed': 'joining failed (the join rejects with the error)',
  unknown: 'the vendor gave a reason Callport does not know (kept in `raw`)',
} as const satisfies Record<DisconnectReason, string>

export interface ErrorCodeRow {
  code: ErrorCode
  status: number
  retryable: boolean
  meaning: string
}

export interface DisconnectReasonRow {
  reason: DisconnectReason
  recoverable: boolean
  meaning: string
}

/** Every error code: its HTTP status, whether it is retryable by default, and what it means. */
export function errorCodeRows(): ErrorCodeRow[] {
  return errorCodes.map((code) => ({ code, status: httpStatusOfCode[code], retryable: new CallportError(code, '').retryable, meaning: errorMeanings[code] }))
}

/** Every disconnect reason, and whether the session reconnects after it. */
export function disconnectReasonRows(): DisconnectReasonRow[] {
  return disconnectReasons.map((reason) => ({ reason, recoverable: recoverableDisconnectReasons.has(reason), meaning: reasonMeanings[reason] }))
}

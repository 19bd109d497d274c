import { CallportError, type DisconnectReason, type ErrorCode } from '@callport/core'
import { SignalingErrorSchema, type Kick, type SignalingError } from '../shared/protocol'
import { SIGNALING_PROVIDER } from '../shared/provider-id'

const errorCodeOfSignalingCode: Record<SignalingError['code'], ErrorCode> = {
  INVALID_INPUT: 'INVALID_INPUT',
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  RATE_LIMITED: 'RATE_LIMITED',
  FORBIDDEN: 'FORBIDDEN',
  NOT_JOINED: 'CONNECTION_FAILED',
  MEMBER_NOT_FOUND: 'PARTICIPANT_NOT_FOUND',
  UNAUTHORIZED: 'UNAUTHORIZED',
  TOKEN_EXPIRED: 'TOKEN_EXPIRED',
  INTERNAL: 'PROVIDER_UNAVAILABLE',
}

/** Why the connection ended, for each `on_kick` reason. */
export const disconnectReasonOfKick: Record<Kick['reason'], DisconnectReason> = {
  token_expired: 'token-expired',
  removed: 'removed',
  room_closed: 'room-closed',
  duplicate_identity: 'duplicate-identity',
  server_shutdown: 'server-shutdown',
}

/**
 * A CallportError for an error the signaling server sent. It is not an HTTP answer, so `vendor.status`
 * is 0; `vendor.body` keeps what the server sent.
 */
export function signalingErrorToCallportError(error: SignalingError, context: string): CallportError {
  return new CallportError(errorCodeOfSignalingCode[error.code], `${context}: ${error.message}`, {
    provider: SIGNALING_PROVIDER,
    vendor: { status: 0, body: error },
  })
}

/** A CallportError for a message from the server that does not match the protocol. */
export function invalidMessageError(what: string, issues: unknown): CallportError {
  return new CallportError('PROVIDER_REJECTED', `The signaling server sent an invalid ${what}`, {
    provider: SIGNALING_PROVIDER,
    details: issues,
  })
}

/**
 * A CallportError for a socket.io `connect_error`: the server's refusal (`{code, message}` in `data`,
 * or a message that starts with a protocol error code) keeps its code; anything else is a transport
 * failure and worth retrying.
 */
export function connectErrorToCallportError(error: unknown): CallportError {
  const data = (error as { data?: unknown } | null)?.data
  const fromData = SignalingErrorSchema.safeParse(data)
  if (fromData.success) return signalingErrorToCallportError(fromData.data, 'The signaling server refused the connection')
  const message = error instanceof Error ? error.message : String(error)
  const leading = /^([A-Z_]+)\b[:\s-]*(.*)$/s.exec(message)
  const fromMessage = leading ? SignalingErrorSchema.safeParse({ code: leading[1], message: leading[2] || message }) : undefined
  if (fromMessage?.success) return signalingErrorToCallportError(fromMessage.data, 'The signaling server refused the connection')
  return new CallportError('CONNECTION_FAILED', `Could not reach the signaling server: ${message}`, {
    provider: SIGNALING_PROVIDER,
    cause: error,
  })
}

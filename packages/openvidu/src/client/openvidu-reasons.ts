import { CallportError, type DisconnectReason, type ErrorCode } from '@callport/core'
import { OPENVIDU_PROVIDER } from '../shared/provider-id'

/**
 * The one place where what openvidu-browser reports becomes Callport's vocabulary: the reason of
 * `sessionDisconnected` (`ConnectionEventReason`), and the errors of `connect`, `initPublisherAsync`
 * and `publish`. docs/providers/openvidu.md shows these tables; a test keeps the two in step.
 */

/** `sessionDisconnected` reason → Callport disconnect reason. Anything else is `unknown`. */
export const disconnectReasonOfOpenVidu: Readonly<Record<string, DisconnectReason>> = {
  disconnect: 'client-initiated',
  forceDisconnectByUser: 'removed',
  forceDisconnectByServer: 'removed',
  sessionClosedByServer: 'room-closed',
  networkDisconnect: 'connection-lost',
  nodeCrashed: 'server-shutdown',
}

export function disconnectReasonOf(reason: unknown): DisconnectReason {
  return typeof reason === 'string' && Object.hasOwn(disconnectReasonOfOpenVidu, reason) ? (disconnectReasonOfOpenVidu[reason] ?? 'unknown') : 'unknown'
}

interface Meaning {
  code: ErrorCode
  retryable: boolean
  message: string
}

const meaning = (code: ErrorCode, retryable: boolean, message: string): Meaning => ({ code, retryable, message })

/**
 * JSON-RPC error codes of openvidu-server (`OpenViduException.Code`) that `session.connect` rejects with.
 * Other codes are CONNECTION_FAILED.
 */
export const connectErrorOfCode: Readonly<Record<number, Meaning>> = {
  // Also what a token of an earlier session of the same id gets (the session was closed and created again):
  // retryable, so that a reconnecting session tries again with a fresh token.
  401: meaning('UNAUTHORIZED', true, 'OpenVidu refused the token (USER_UNAUTHORIZED)'),
  402: meaning('UNAUTHORIZED', false, 'OpenVidu refused the token role (ROLE_NOT_FOUND)'),
  403: meaning('UNAUTHORIZED', false, 'OpenVidu refused the session id (SESSIONID_CANNOT_BE_CREATED)'),
  404: meaning('UNAUTHORIZED', false, 'OpenVidu refused the token (TOKEN_CANNOT_BE_CREATED)'),
  // The token's session is gone (closed when its last participant left, or garbage-collected): a fresh token works.
  202: meaning('ROOM_NOT_FOUND', true, 'OpenVidu has no such session (ROOM_NOT_FOUND): the token died with its session'),
  203: meaning('ROOM_NOT_FOUND', true, 'The OpenVidu session is closed or closing (ROOM_CLOSED)'),
  801: meaning('CONNECTION_FAILED', true, 'The connection to OpenVidu failed (TRANSPORT_REQUEST_ERROR)'),
  802: meaning('CONNECTION_FAILED', true, 'The connection to OpenVidu failed (TRANSPORT_RESPONSE_ERROR)'),
  803: meaning('CONNECTION_FAILED', true, 'The connection to OpenVidu failed (TRANSPORT_ERROR)'),
}

/**
 * The JSON-RPC codes with which openvidu-server 2.32.2 refuses `joinRoom` because the token's session
 * is gone (`rpc/RpcHandler.java` `joinRoom`): 202 ROOM_NOT_FOUND when no session has the token's
 * session id, 203 ROOM_CLOSED while it closes. A token is a pending connection of one session and
 * dies with it (the session closes when its last participant leaves), so the client adapter fetches
 * a fresh token and joins again, once, on these. A 401 USER_UNAUTHORIZED is also what a token of an
 * earlier session of the same id gets, but a forged, used or revoked token gets it too: the adapter
 * does not refresh on it, the error is retryable instead (a reconnecting session fetches a fresh token).
 */
export const staleTokenJoinCodes: ReadonlySet<number> = new Set([202, 203])

/** Whether a failed join is one a fresh token may fix (see {@link staleTokenJoinCodes}). */
export function isStaleTokenJoinFailure(error: unknown): boolean {
  const cause = CallportError.isInstance(error) ? error.cause : error
  const code = typeof cause === 'object' && cause !== null ? (cause as { code?: unknown }).code : undefined
  return typeof code === 'number' && staleTokenJoinCodes.has(code)
}

/** openvidu-browser's `OpenViduErrorName`s, from `connect`, `initPublisherAsync` and `publish`. Others are CONNECTION_FAILED. */
export const errorOfOpenViduErrorName: Readonly<Record<string, Meaning>> = {
  BROWSER_NOT_SUPPORTED: meaning('UNSUPPORTED', false, 'This browser is not supported by OpenVidu'),
  DEVICE_ACCESS_DENIED: meaning('FORBIDDEN', false, 'Access to the camera or microphone was denied'),
  SCREEN_CAPTURE_DENIED: meaning('FORBIDDEN', false, 'Screen capture was denied'),
  OPENVIDU_PERMISSION_DENIED: meaning('FORBIDDEN', false, 'The OpenVidu role of this token does not allow this'),
  DEVICE_ALREADY_IN_USE: meaning('CONNECTION_FAILED', false, 'The camera or microphone is in use by another application'),
  INPUT_VIDEO_DEVICE_NOT_FOUND: meaning('UNSUPPORTED', false, 'No camera was found'),
  INPUT_AUDIO_DEVICE_NOT_FOUND: meaning('UNSUPPORTED', false, 'No microphone was found'),
  INPUT_AUDIO_DEVICE_GENERIC_ERROR: meaning('CONNECTION_FAILED', false, 'The microphone could not be started'),
  NO_INPUT_SOURCE_SET: meaning('INVALID_INPUT', false, 'Neither camera nor microphone was requested'),
  PUBLISHER_PROPERTIES_ERROR: meaning('INVALID_INPUT', false, 'openvidu-browser refused the publisher properties'),
  OPENVIDU_NOT_CONNECTED: meaning('CONNECTION_FAILED', true, 'The OpenVidu session is not connected'),
  GENERIC_ERROR: meaning('CONNECTION_FAILED', false, 'openvidu-browser failed'),
}

/** The CallportError for anything openvidu-browser rejects with. */
export function errorFromOpenViduBrowser(error: unknown, fallback: string): CallportError {
  if (CallportError.isInstance(error)) return error
  const record = typeof error === 'object' && error !== null ? (error as { code?: unknown; name?: unknown; message?: unknown }) : {}
  const detail = typeof record.message === 'string' && record.message.length > 0 ? record.message : typeof error === 'string' ? error : undefined
  const found =
    (typeof record.code === 'number' ? connectErrorOfCode[record.code] : undefined) ??
    (typeof record.name === 'string' && Object.hasOwn(errorOfOpenViduErrorName, record.name) ? errorOfOpenViduErrorName[record.name] : undefined)
  // openvidu-browser throws a plain Error for a token that is not a ws(s):// URL (`Session.getTokenParams`).
  const badToken = found === undefined && typeof detail === 'string' && detail.startsWith('Token not valid')
  const chosen = found ?? (badToken ? meaning('UNAUTHORIZED', false, 'openvidu-browser cannot read the token') : meaning('CONNECTION_FAILED', false, fallback))
  return new CallportError(chosen.code, detail ? `${chosen.message}: ${detail}` : chosen.message, {
    provider: OPENVIDU_PROVIDER,
    retryable: chosen.retryable,
    cause: error,
  })
}

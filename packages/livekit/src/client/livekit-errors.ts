import { CallportError, isMediaCaptureError, toMediaError, type DisconnectReason, type ErrorCode } from '@callport/core'
import { LIVEKIT_PROVIDER } from '../shared/provider-id'
import type { LiveKitConnectionError, LiveKitDisconnectReason } from './livekit-client-types'

/**
 * livekit-client's errors and disconnect reasons in Callport's terms. Numbers are those of
 * `@livekit/protocol`'s `DisconnectReason` and livekit-client's `ConnectionErrorReason` (see
 * `livekit-client-types.ts`); the session reconnects with a fresh token after `connection-lost`,
 * `server-shutdown` and `token-expired`, and ends the call after the others.
 */

/** Every `DisconnectReason` of `@livekit/protocol` 1.20 (livekit-client 2.5) to 1.50 (2.22), by number. */
const reasonOfDisconnect: Readonly<Record<number, DisconnectReason>> = {
  // UNKNOWN_REASON: the server gave none (a LeaveRequest without one): nothing to go by.
  0: 'unknown',
  // CLIENT_INITIATED: this client left (Room.disconnect). The adapter emits nothing for its own disconnect, so this is another client-side leave.
  1: 'client-initiated',
  // DUPLICATE_IDENTITY: another connection joined with the same identity and took the place of this one.
  2: 'duplicate-identity',
  // SERVER_SHUTDOWN: the LiveKit node is going down; a new join lands on another node (recoverable).
  3: 'server-shutdown',
  // PARTICIPANT_REMOVED: RoomService RemoveParticipant (the server half's removeParticipant).
  4: 'removed',
  // ROOM_DELETED: RoomService DeleteRoom (the server half's closeRoom).
  5: 'room-closed',
  // STATE_MISMATCH: the server lost this participant's session (a resume to a node that does not know it): a fresh join mends it, as after a lost connection.
  6: 'connection-lost',
  // JOIN_FAILURE: the server could not complete the join.
  7: 'join-failed',
  // MIGRATION: LiveKit Cloud moves the participant to another node; the old one goes away as in a shutdown, and a new join is what recovers.
  8: 'server-shutdown',
  // SIGNAL_CLOSE: the signal connection closed and could not be resumed: the network was lost.
  9: 'connection-lost',
  // ROOM_CLOSED: the room ended (its empty timeout, or the last participant left with a departure timeout).
  10: 'room-closed',
  // USER_UNAVAILABLE: a SIP callee did not answer; the call never came up.
  11: 'join-failed',
  // USER_REJECTED: a SIP callee declined, and livekit-client ≥ 2.9 reports a join refused (ConnectionError NotAllowed: the token) with it.
  12: 'unauthorized',
  // SIP_TRUNK_FAILURE: the SIP trunk failed to place the call; the call never came up.
  13: 'join-failed',
  // CONNECTION_TIMEOUT: the server stopped hearing from this client: the network was lost.
  14: 'connection-lost',
  // MEDIA_FAILURE: the media path (ICE / DTLS) failed: the network was lost.
  15: 'connection-lost',
  // AGENT_ERROR: an agent of the room failed; nothing a participant or a rejoin can act on.
  16: 'unknown',
}

/**
 * Why the call ended, from the `DisconnectReason` of livekit-client's `disconnected` event.
 * Without one, livekit-client gave up reconnecting after its own retries: `connection-lost`
 * (recoverable: the session rejoins with a fresh token). A number newer than the protocol above is `unknown`.
 */
export function disconnectReasonOf(reason: LiveKitDisconnectReason | undefined): DisconnectReason {
  if (reason === undefined || reason === null) return 'connection-lost'
  return Object.hasOwn(reasonOfDisconnect, reason) ? (reasonOfDisconnect[reason] as DisconnectReason) : 'unknown'
}

/** livekit-client's `ConnectionError` (named so from 2.9; before, a LivekitError of code 1 with a numeric `reason`). */
function isConnectionError(error: unknown): error is LiveKitConnectionError {
  if (typeof error !== 'object' || error === null) return false
  const { name, code, reason } = error as { name?: unknown; code?: unknown; reason?: unknown }
  return name === 'ConnectionError' || (code === 1 && (typeof reason === 'number' || reason === undefined) && error instanceof Error)
}

/** What a join refused as NotAllowed means, by the status of livekit-client's validation request and the server's text. */
function notAllowedCode(status: number | undefined, message: string): ErrorCode {
  if (status === 404 || /room does not exist/i.test(message)) return 'ROOM_NOT_FOUND'
  if (/expired/i.test(message)) return 'TOKEN_EXPIRED'
  if (/full|limit exceeded|max(imum)? participants/i.test(message)) return 'ROOM_FULL'
  if (status === 403) return 'FORBIDDEN'
  return 'UNAUTHORIZED'
}

/** The CallportError of a refused join, by `ConnectionErrorReason`. */
function connectionErrorOf(error: LiveKitConnectionError): CallportError {
  const message = error.message || 'livekit-client could not connect'
  const details = { connectionErrorReason: error.reason, ...(error.status === undefined ? {} : { status: error.status }) }
  const make = (code: ErrorCode, retryable?: boolean, extra: object = {}) =>
    new CallportError(code, `${message} (LiveKit ConnectionError ${String(error.reason)})`, {
      provider: LIVEKIT_PROVIDER,
      cause: error,
      details: { ...details, ...extra },
      ...(retryable === undefined ? {} : { retryable }),
    })
  switch (error.reason) {
    // NotAllowed: the server's validation answered 401/403 (a bad or expired token) or 404 (no such room, when auto-create is off).
    case 0:
      return make(notAllowedCode(error.status, message), false)
    // ServerUnreachable: no answer from the URL (DNS, TLS, a server down).
    case 1:
      return make('PROVIDER_UNAVAILABLE', true)
    // Cancelled: Room.disconnect while joining (the adapter does it on abort).
    case 3:
      return make('ABORTED', false)
    // LeaveRequest: the server sent a leave while joining; its DisconnectReason says why.
    case 4: {
      const reason = typeof error.context === 'number' ? error.context : undefined
      const ended = disconnectReasonOf(reason)
      const code: ErrorCode = ended === 'room-closed' ? 'ROOM_NOT_FOUND' : ended === 'unauthorized' ? 'UNAUTHORIZED' : 'PROVIDER_REJECTED'
      return make(code, ended === 'connection-lost' || ended === 'server-shutdown', { disconnectReason: reason })
    }
    // ServiceNotFound: the server has no RTC endpoint livekit-client knows (a LiveKit server too old): retrying does not help.
    case 7:
      return make('PROVIDER_REJECTED', false)
    // InternalError, Timeout, WebSocket (and a reason newer than these): the connection did not come up.
    default:
      return make('CONNECTION_FAILED', true)
  }
}

/** A string, number or boolean as text; anything else (absent, an object) as ''. */
function textOf(value: unknown): string {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? String(value) : ''
}

/** The CallportError for what livekit-client rejected with (`fallback` for what it does not name). */
export function errorFromLiveKit(error: unknown, fallback: ErrorCode = 'CONNECTION_FAILED'): CallportError {
  if (CallportError.isInstance(error)) return error
  if (isConnectionError(error)) return connectionErrorOf(error)
  const isObject = typeof error === 'object' && error !== null
  // The browser's getUserMedia / getDisplayMedia errors, which livekit-client passes on as they are.
  if (isMediaCaptureError(error)) return toMediaError(error, LIVEKIT_PROVIDER)
  const detail = isObject ? textOf((error as { message?: unknown }).message) : textOf(error)
  return new CallportError(fallback, detail || 'livekit-client failed', { provider: LIVEKIT_PROVIDER, cause: error })
}

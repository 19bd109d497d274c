import type { DisconnectReason, ErrorCode } from '@callport/core'

/**
 * The one table of Twilio error codes (reference/vendors.md §2.2, twilio-video.js
 * `lib/util/twilio-video-errors.js`, and the REST API's 20xxx codes). Both halves read it: the server
 * for Rooms REST failures, the client for twilio-video's connect failures and `disconnected` errors.
 * It holds no I/O and no secret, so it may reach the browser.
 */
export interface TwilioErrorMeaning {
  /** The Callport error code. */
  code: ErrorCode
  /** Whether trying again, later, may succeed. */
  retryable: boolean
  /** Why a call ended when twilio-video disconnects with this error. */
  reason: DisconnectReason
  message: string
}

/** `[first code, last code, Callport code, retryable, disconnect reason, message]`, first match wins. */
type Row = readonly [number, number, ErrorCode, boolean, DisconnectReason, string]

const rows: readonly Row[] = [
  [20003, 20003, 'PROVIDER_REJECTED', false, 'unauthorized', 'Twilio refused the credentials (check the API key SID and secret)'],
  [20104, 20104, 'TOKEN_EXPIRED', false, 'token-expired', 'The Access Token has expired'],
  [20101, 20107, 'UNAUTHORIZED', false, 'unauthorized', 'Twilio refused the Access Token'],
  [20404, 20404, 'NOT_FOUND', false, 'unknown', 'Twilio has no such resource'],
  [20429, 20429, 'RATE_LIMITED', true, 'unknown', 'Twilio is rate limiting these requests'],
  [20500, 20599, 'PROVIDER_UNAVAILABLE', true, 'server-shutdown', 'Twilio had an internal error'],
  [53006, 53006, 'PROVIDER_UNAVAILABLE', true, 'server-shutdown', 'The Twilio video server is busy'],
  [53000, 53002, 'CONNECTION_FAILED', true, 'connection-lost', 'The signaling connection to Twilio failed'],
  [53003, 53004, 'CONNECTION_FAILED', false, 'unknown', 'An invalid signaling message was exchanged with Twilio'],
  [53103, 53104, 'PROVIDER_UNAVAILABLE', true, 'join-failed', 'Twilio could not create or connect to the room'],
  [53105, 53105, 'PROVIDER_REJECTED', false, 'join-failed', 'The Twilio room is full'],
  [53106, 53106, 'ROOM_NOT_FOUND', false, 'join-failed', 'Twilio has no such room'],
  [53113, 53113, 'PROVIDER_REJECTED', false, 'unknown', 'A Twilio room with this UniqueName is already in progress'],
  // reference/vendors.md §7: completing a room that is not in progress answers 53112, which closeRoom takes as done.
  [53112, 53112, 'INVALID_INPUT', false, 'unknown', 'The Twilio room is not in progress, or the Status is invalid'],
  [53118, 53118, 'ROOM_NOT_FOUND', false, 'room-closed', 'The Twilio room has been completed'],
  // reference/vendors.md §7: the account's quota of concurrent rooms. Nothing is wrong with the request:
  // it succeeds once rooms end, and another provider can take the room now (retryable lets
  // createCallServer fail over), so it is RATE_LIMITED, not INVALID_INPUT or PROVIDER_REJECTED.
  [53119, 53119, 'RATE_LIMITED', true, 'join-failed', 'The Twilio account has reached its quota of concurrent rooms'],
  [53100, 53199, 'INVALID_INPUT', false, 'join-failed', 'Twilio refused a room parameter'],
  [53203, 53203, 'PROVIDER_REJECTED', false, 'unknown', 'The participant has published as many tracks as Twilio allows'],
  [53204, 53204, 'PARTICIPANT_NOT_FOUND', false, 'removed', 'Twilio has no such participant in the room'],
  [53205, 53205, 'CONNECTION_FAILED', false, 'duplicate-identity', 'Another participant connected with the same identity'],
  [53200, 53299, 'INVALID_INPUT', false, 'join-failed', 'Twilio refused the participant identity'],
  [53305, 53305, 'PROVIDER_UNAVAILABLE', true, 'server-shutdown', 'The Twilio media server is at capacity'],
  [53300, 53399, 'INVALID_INPUT', false, 'unknown', 'Twilio refused a track'],
  [53404, 53404, 'UNSUPPORTED', false, 'join-failed', 'No codec is supported by both this browser and Twilio'],
  [53400, 53499, 'CONNECTION_FAILED', true, 'connection-lost', 'The media connection to Twilio failed'],
  [53500, 53599, 'CONNECTION_FAILED', true, 'join-failed', 'Twilio could not give the configuration or TURN credentials'],
]

/** What a Twilio error code means, or undefined for a code the table does not know. */
export function meaningOfTwilioCode(code: number | undefined): TwilioErrorMeaning | undefined {
  if (code === undefined) return undefined
  const row = rows.find(([first, last]) => code >= first && code <= last)
  if (!row) return undefined
  const [, , callportCode, retryable, reason, message] = row
  return { code: callportCode, retryable, reason, message }
}

/** The `code` of an error object that carries a numeric Twilio code (TwilioError, REST error JSON), if any. */
export function twilioCodeOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined
  const { code } = error as { code?: unknown }
  return typeof code === 'number' && Number.isInteger(code) ? code : undefined
}

import { CallportError, isMediaCaptureError, toMediaError, type DisconnectReason, type ErrorCode } from '@callport/core'
import { TWILIO_PROVIDER } from '../shared/provider-id'
import { meaningOfTwilioCode, twilioCodeOf } from '../shared/twilio-error-codes'

/**
 * twilio-video's errors in Callport's terms, through the one table of Twilio codes
 * (`shared/twilio-error-codes.ts`).
 */

/** Why the call ended, from the error of twilio-video's `disconnected(room, error)` event. */
export function disconnectReasonOf(error: unknown): DisconnectReason {
  // Without an error, twilio-video was told to disconnect: by a local `room.disconnect()` (the adapter
  // emits nothing then) or by the server, which removed the participant (REST `Status=disconnected`).
  if (error === undefined || error === null) return 'removed'
  return meaningOfTwilioCode(twilioCodeOf(error))?.reason ?? 'unknown'
}

/** A string, number or boolean as text; anything else (absent, an object) as '' rather than "[object Object]". */
function textOf(value: unknown): string {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? String(value) : ''
}

/** The CallportError for what twilio-video rejected or disconnected with. */
export function errorFromTwilioVideo(error: unknown, fallback: ErrorCode = 'CONNECTION_FAILED'): CallportError {
  if (CallportError.isInstance(error)) return error
  const code = twilioCodeOf(error)
  const meaning = meaningOfTwilioCode(code)
  const detail = typeof error === 'object' && error !== null ? textOf((error as { message?: unknown }).message) : textOf(error)
  // The browser's getUserMedia errors, which twilio-video passes on as they are when `connect` or
  // `createLocal…Track` captures: core's `toMediaError` types them.
  if (!meaning && isMediaCaptureError(error)) return toMediaError(error, TWILIO_PROVIDER)
  const callportCode = meaning?.code ?? fallback
  const message = meaning ? `${meaning.message}${detail ? `: ${detail}` : ''} (Twilio error ${code})` : detail || 'twilio-video failed'
  return new CallportError(callportCode, message, {
    provider: TWILIO_PROVIDER,
    retryable: meaning?.retryable ?? false,
    cause: error,
    details: code === undefined ? undefined : { twilioCode: code },
  })
}

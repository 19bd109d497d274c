import * as z from 'zod/mini'
import { CallportError, type ErrorCode } from '@callport/core'
import { TWILIO_PROVIDER } from '../shared/provider-id'
import { meaningOfTwilioCode } from '../shared/twilio-error-codes'

/**
 * The one place where what Twilio's REST API answers becomes a CallportError. Twilio's error JSON
 * (`{code, message, more_info, status}`) is kept as `vendor.body`, with the status and headers; 429
 * and 5xx are retryable, and a documented Twilio `code` decides the rest.
 */

/** Twilio's REST error body. */
export const TwilioErrorBodySchema = z.looseObject({
  code: z.number(),
  message: z.string(),
  more_info: z.optional(z.string()),
  status: z.optional(z.number()),
})
export type TwilioErrorBody = z.infer<typeof TwilioErrorBodySchema>

/** What a 404 says is missing. */
export type MissingResource = 'room' | 'participant'

export interface FailedRequest {
  /** What was being done: "creating the room standup". */
  operation: string
  missing: MissingResource
}

interface Meaning {
  code: ErrorCode
  retryable: boolean
  message: string
}

function meaningOfStatus(status: number, missing: MissingResource): Meaning {
  if (status === 429) return { code: 'RATE_LIMITED', retryable: true, message: 'Twilio is rate limiting these requests' }
  if (status >= 500) return { code: 'PROVIDER_UNAVAILABLE', retryable: true, message: `Twilio is unavailable (HTTP ${status})` }
  if (status === 404) {
    return missing === 'room'
      ? { code: 'ROOM_NOT_FOUND', retryable: false, message: 'Twilio has no such room in progress' }
      : { code: 'PARTICIPANT_NOT_FOUND', retryable: false, message: 'Twilio has no such participant in the room' }
  }
  if (status === 401) return { code: 'PROVIDER_REJECTED', retryable: false, message: 'Twilio refused the credentials (check TWILIO_API_KEY_SID and TWILIO_API_KEY_SECRET)' }
  if (status === 400) return { code: 'INVALID_INPUT', retryable: false, message: 'Twilio refused the request as invalid' }
  return { code: 'PROVIDER_REJECTED', retryable: false, message: `Twilio refused the request (HTTP ${status})` }
}

/** The CallportError for a Twilio REST answer the caller did not expect. */
export function errorFromTwilioResponse(status: number, body: unknown, request: FailedRequest, headers: Record<string, string> = {}): CallportError {
  const parsed = TwilioErrorBodySchema.safeParse(body)
  const twilio = parsed.success ? parsed.data : undefined
  const known = status === 429 || status >= 500 || status === 404 ? undefined : meaningOfTwilioCode(twilio?.code)
  const meaning = known ?? meaningOfStatus(status, request.missing)
  const detail = twilio ? `: ${twilio.message} (Twilio error ${twilio.code})` : ''
  return new CallportError(meaning.code, `${meaning.message} while ${request.operation}${detail}`, {
    provider: TWILIO_PROVIDER,
    retryable: meaning.retryable,
    vendor: { status, body, headers },
    details: twilio ? { twilioCode: twilio.code, moreInfo: twilio.more_info } : undefined,
  })
}

/** The CallportError for a 2xx answer whose body is not what Twilio documents. */
export function unexpectedBody(status: number, body: unknown, operation: string, issues: unknown): CallportError {
  return new CallportError('PROVIDER_REJECTED', `Twilio answered with an unexpected body while ${operation}`, {
    provider: TWILIO_PROVIDER,
    retryable: false,
    vendor: { status, body },
    details: issues,
  })
}

import { CallportError, type ErrorCode } from '@callport/core'
import { OPENVIDU_PROVIDER } from '../shared/provider-id'

/**
 * The one place where what OpenVidu's REST API answers becomes a CallportError. OpenVidu's own
 * error body (`{timestamp, status, error, message, path}`, or nothing) is kept as `vendor.body`.
 */

/** What a 404 means for the request that got it. */
export type MissingResource = 'room' | 'participant'

export interface FailedRequest {
  /** What was being done, for the message: "creating the session standup". */
  operation: string
  /** What a 404 says is missing. */
  missing: MissingResource
  /** OpenVidu answers 400 for an unknown session on connection URLs (`GET`/`DELETE …/connection/{id}`). */
  badRequestMeansNoSession?: boolean
}

interface Meaning {
  code: ErrorCode
  retryable: boolean
  message: string
}

function vendorMessage(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined
  const { message, error } = body as { message?: unknown; error?: unknown }
  if (typeof message === 'string' && message.length > 0) return message
  if (typeof error === 'string' && error.length > 0) return error
  return undefined
}

function meaningOf(status: number, { missing, badRequestMeansNoSession }: FailedRequest): Meaning {
  if (status === 400 && badRequestMeansNoSession) return { code: 'ROOM_NOT_FOUND', retryable: false, message: 'OpenVidu has no such session' }
  if (status === 400) return { code: 'INVALID_INPUT', retryable: false, message: 'OpenVidu refused the request as invalid' }
  if (status === 401) {
    return {
      code: 'PROVIDER_REJECTED',
      retryable: false,
      message: 'OpenVidu refused the credentials: check that the secret (OPENVIDU_SECRET) is the one the OpenVidu server is configured with',
    }
  }
  if (status === 404) {
    return missing === 'room'
      ? { code: 'ROOM_NOT_FOUND', retryable: false, message: 'OpenVidu has no such session' }
      : { code: 'PARTICIPANT_NOT_FOUND', retryable: false, message: 'OpenVidu has no such connection' }
  }
  if (status >= 500) return { code: 'PROVIDER_UNAVAILABLE', retryable: true, message: `OpenVidu is unavailable (HTTP ${status})` }
  return { code: 'PROVIDER_REJECTED', retryable: false, message: `OpenVidu refused the request (HTTP ${status})` }
}

/** The CallportError for an OpenVidu answer the caller did not expect. Status and body are kept. */
export function errorFromOpenViduResponse(status: number, body: unknown, request: FailedRequest): CallportError {
  const meaning = meaningOf(status, request)
  const detail = vendorMessage(body)
  return new CallportError(meaning.code, `${meaning.message} while ${request.operation}${detail === undefined ? '' : `: ${detail}`}`, {
    provider: OPENVIDU_PROVIDER,
    retryable: meaning.retryable,
    vendor: { status, body },
  })
}

/** The CallportError for a 2xx answer whose body is not what OpenVidu documents. */
export function unexpectedBody(status: number, body: unknown, operation: string, issues: unknown): CallportError {
  return new CallportError('PROVIDER_REJECTED', `OpenVidu answered with an unexpected body while ${operation}`, {
    provider: OPENVIDU_PROVIDER,
    retryable: false,
    vendor: { status, body },
    details: issues,
  })
}

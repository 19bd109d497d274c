import { CallportError, type ErrorCode } from '@callport/core'
import { KALEYRA_PROVIDER } from './provider-id'

/**
 * The one place where what Kaleyra reports (REST statuses and bodies, widget error names) becomes a
 * CallportError code. Used by both halves, so it holds no I/O and no secret.
 */

interface ErrorMeaning {
  code: ErrorCode
  retryable: boolean
  message: string
}

const meaning = (code: ErrorCode, retryable: boolean, message: string): ErrorMeaning => ({ code, retryable, message })

/** Error names Kaleyra documents for its REST API and its widget (`connect`, `configure`, `joinCallURL`, `updateAccessToken`). */
const byVendorName: Readonly<Record<string, ErrorMeaning>> = {
  access_token_expired: meaning('TOKEN_EXPIRED', false, 'The Kaleyra access token has expired'),
  access_token_invalid: meaning('UNAUTHORIZED', false, 'Kaleyra refused the access token'),
  access_token_invalid_signature: meaning('UNAUTHORIZED', false, 'Kaleyra refused the access token signature'),
  access_token_invalid_user: meaning('UNAUTHORIZED', false, 'The Kaleyra access token belongs to another user'),
  user_not_found: meaning('PARTICIPANT_NOT_FOUND', false, 'Kaleyra has no user with this id (create the user in Kaleyra first)'),
  app_id_invalid: meaning('INVALID_INPUT', false, 'Kaleyra refused the appId'),
  sdk_version_invalid: meaning('INVALID_INPUT', false, 'The Kaleyra widget refused a parameter'),
  invalid_config_error: meaning('INVALID_INPUT', false, 'The Kaleyra widget refused its configuration'),
  validation_error: meaning('INVALID_INPUT', false, 'The Kaleyra widget refused an argument'),
  no_plus_user: meaning('INVALID_INPUT', false, 'A Kaleyra room needs at least one participant with the "plus" role'),
  sdk_version_unsupported: meaning('UNSUPPORTED', false, 'This browser is not supported by the Kaleyra widget'),
  browser_not_supported: meaning('UNSUPPORTED', false, 'This browser is not supported by the Kaleyra widget'),
  join_url_mtm: meaning('UNSUPPORTED', false, 'The Kaleyra widget cannot join many-to-many calls by URL'),
  client_already_exists: meaning(
    'CONNECTION_FAILED',
    false,
    'A Kaleyra widget client already exists on this page; destroy it (BandyerSDK.destroyClient()) before joining through Callport',
  ),
  another_call_in_progress: meaning('CONNECTION_FAILED', false, 'This user is already in another Kaleyra call'),
  current_user_busy: meaning('CONNECTION_FAILED', false, 'This user is busy in a Kaleyra call on another device'),
  all_users_busy: meaning('CONNECTION_FAILED', false, 'All the other users of the Kaleyra call are busy'),
  current_user_not_available: meaning('CONNECTION_FAILED', true, 'The Kaleyra user is still disconnecting'),
  invalid_url: meaning('ROOM_NOT_FOUND', false, 'Kaleyra refused the room link'),
  invalid_access_link: meaning('ROOM_NOT_FOUND', false, 'Kaleyra refused the room link (room inactive or link invalid)'),
  invalid_token: meaning('ROOM_NOT_FOUND', false, 'The Kaleyra room link is invalid or disabled'),
  user_not_associated_to_link: meaning('FORBIDDEN', false, 'The Kaleyra room link belongs to another user'),
  room_create_error: meaning('PROVIDER_REJECTED', false, 'Kaleyra could not create the room'),
  internal_server_error: meaning('PROVIDER_UNAVAILABLE', true, 'Kaleyra had an internal error'),
}

function meaningOfStatus(status: number): ErrorMeaning {
  if (status === 400) return meaning('INVALID_INPUT', false, 'Kaleyra refused the request as invalid')
  if (status === 401) return meaning('PROVIDER_REJECTED', false, 'Kaleyra refused the API key (check KALEYRA_API_KEY)')
  if (status === 403) return meaning('PROVIDER_REJECTED', false, 'Kaleyra forbids this operation for this API key')
  if (status === 404) return meaning('PROVIDER_REJECTED', false, 'Kaleyra does not know this resource')
  if (status === 408) return meaning('PROVIDER_UNAVAILABLE', true, 'Kaleyra timed out')
  if (status === 429) return meaning('RATE_LIMITED', true, 'Kaleyra is rate limiting this API key')
  if (status >= 500) return meaning('PROVIDER_UNAVAILABLE', true, `Kaleyra is unavailable (HTTP ${status})`)
  return meaning('PROVIDER_REJECTED', false, `Kaleyra refused the request (HTTP ${status})`)
}

/** The first known Kaleyra error name in `value` (a string, or a body with `error`, `code` or `name`). */
export function kaleyraErrorName(value: unknown): string | undefined {
  if (typeof value === 'string') return Object.hasOwn(byVendorName, value) ? value : undefined
  if (typeof value !== 'object' || value === null) return undefined
  const record = value as Record<string, unknown>
  for (const key of ['error', 'code', 'name', 'type']) {
    const name = kaleyraErrorName(record[key])
    if (name !== undefined) return name
  }
  return undefined
}

function vendorMessage(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined
  const { message, error } = value as { message?: unknown; error?: unknown }
  if (typeof message === 'string' && message.length > 0) return message
  return vendorMessage(error)
}

/**
 * The CallportError for a failed Kaleyra REST response. A documented error name in the body decides
 * the code for a 4xx; 429 and 5xx are always transient. The vendor's status, body and headers are kept.
 */
export function errorFromKaleyraResponse(status: number, body: unknown, headers: Record<string, string> = {}): CallportError {
  const name = status === 429 || status >= 500 ? undefined : kaleyraErrorName(body)
  const found = name === undefined ? meaningOfStatus(status) : (byVendorName[name] ?? meaningOfStatus(status))
  const detail = vendorMessage(body)
  return new CallportError(found.code, detail === undefined ? found.message : `${found.message}: ${detail}`, {
    provider: KALEYRA_PROVIDER,
    retryable: found.retryable,
    vendor: { status, body, headers },
    details: name === undefined ? undefined : { vendorError: name },
  })
}

/** The CallportError for an error thrown by the Kaleyra widget (its `name` or `code` is the vendor error name). */
export function errorFromKaleyraWidget(error: unknown, fallback: ErrorCode = 'CONNECTION_FAILED'): CallportError {
  if (CallportError.isInstance(error)) return error
  const name = kaleyraErrorName(error)
  const found = name === undefined ? undefined : byVendorName[name]
  const detail = error instanceof Error ? error.message : vendorMessage(error)
  const message = found?.message ?? 'The Kaleyra widget failed'
  return new CallportError(found?.code ?? fallback, detail ? `${message}: ${detail}` : message, {
    provider: KALEYRA_PROVIDER,
    retryable: found?.retryable ?? false,
    cause: error,
    details: name === undefined ? undefined : { vendorError: name },
  })
}

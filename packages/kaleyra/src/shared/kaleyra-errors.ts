import { CallportError, type ErrorCode } from '@callport/core'
import { KALEYRA_PROVIDER } from './provider-id'

/**
 * Participants a Kaleyra call takes: the widget hangs up with `join_url_mtm` when a call joined by
 * link has more (its README: "the client does not support the many to many calls").
 */
export const KALEYRA_MAXIMUM_PARTICIPANTS = 2

/**
 * The one place where the error names Kaleyra documents (in REST bodies and widget errors) become a
 * CallportError code; REST statuses go through the shared table of `@callport/provider-utils`.
 * Used by both halves, so it holds no I/O and no secret.
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
  join_url_mtm: meaning('ROOM_FULL', false, `A Kaleyra call takes at most ${KALEYRA_MAXIMUM_PARTICIPANTS} participants (the widget does not support many-to-many calls)`),
  // Widget 2.7.5 switchboard `joinCallURL`: `new Error("join_call_invalid_mtm")` when the joined call
  // has more than two participants; wrapped in an ExposeError it keeps only that message.
  join_call_invalid_mtm: meaning(
    'ROOM_FULL',
    false,
    `A Kaleyra call takes at most ${KALEYRA_MAXIMUM_PARTICIPANTS} participants (the widget does not support many-to-many calls)`,
  ),
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

/** The first known Kaleyra error name in `value` (a string, or a body with `error`, `code` or `name`). */
export function kaleyraErrorName(value: unknown): string | undefined {
  if (typeof value === 'string') return Object.hasOwn(byVendorName, value) ? value : undefined
  if (typeof value !== 'object' || value === null) return undefined
  const record = value as Record<string, unknown>
  // `message` last: widget 2.7.5 wraps some plain Errors whose only name is their message.
  for (const key of ['error', 'code', 'name', 'type', 'message']) {
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

/** What a documented Kaleyra error name in a REST error body says, in the REST client's terms. */
export interface KaleyraErrorDescription {
  code?: ErrorCode
  retryable?: boolean
  detail?: string
  details?: { vendorError: string }
}

/**
 * Reads a failed Kaleyra REST answer (the REST client's `describeError`): a documented error name
 * in a 4xx body decides the code; 429 and 5xx keep the shared status table's meaning (transient)
 * whatever the body names. The vendor's own message becomes the detail. The status table itself is
 * the shared one of `@callport/provider-utils` (a 404 without a documented name is NOT_FOUND, or
 * what the request names, such as ROOM_NOT_FOUND).
 */
export function describeKaleyraError({ status, body }: { status: number; body: unknown }): KaleyraErrorDescription | undefined {
  const detail = vendorMessage(body)
  const name = status === 429 || status >= 500 ? undefined : kaleyraErrorName(body)
  const found = name === undefined ? undefined : byVendorName[name]
  if (name === undefined || found === undefined) return detail === undefined ? undefined : { detail }
  return {
    code: found.code,
    retryable: found.retryable,
    detail: detail === undefined ? `${found.message} (${name})` : `${found.message} (${name}): ${detail}`,
    details: { vendorError: name },
  }
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

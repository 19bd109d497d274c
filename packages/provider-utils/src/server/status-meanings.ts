import type { ErrorCode } from '@callport/core'

/** What a vendor's HTTP status means to Callport. */
export interface StatusMeaning {
  code: ErrorCode
  /** Whether the same request may succeed later. */
  retryable: boolean
  /** Completes "<Vendor> …" in the error message: "refused the request as invalid". */
  message: string
}

/**
 * Status → meaning, by exact status or by class (`4xx`, `5xx`). Vendors extend the default table
 * with {@link extendStatusMeanings} rather than writing their own.
 */
export type StatusMeanings = Readonly<Partial<Record<number | '4xx' | '5xx', StatusMeaning>>>

const meaning = (code: ErrorCode, retryable: boolean, message: string): StatusMeaning => ({ code, retryable, message })

/**
 * The one default table every vendor REST client starts from. 404 says `NOT_FOUND` here; a request
 * that knows what is missing names it (`notFound: 'ROOM_NOT_FOUND'`). 408, 429 and 5xx are
 * retryable; every other 4xx is the vendor refusing the request (PROVIDER_REJECTED), except 400.
 */
export const defaultStatusMeanings: StatusMeanings = {
  400: meaning('INVALID_INPUT', false, 'refused the request as invalid'),
  401: meaning('PROVIDER_REJECTED', false, 'refused the credentials'),
  403: meaning('PROVIDER_REJECTED', false, 'forbids this operation for these credentials'),
  404: meaning('NOT_FOUND', false, 'has no such resource'),
  408: meaning('PROVIDER_UNAVAILABLE', true, 'timed out'),
  429: meaning('RATE_LIMITED', true, 'is rate limiting these requests'),
  '4xx': meaning('PROVIDER_REJECTED', false, 'refused the request'),
  '5xx': meaning('PROVIDER_UNAVAILABLE', true, 'is unavailable'),
}

/** The default table with a vendor's differences on top. */
export function extendStatusMeanings(...layers: StatusMeanings[]): StatusMeanings {
  return Object.assign({}, defaultStatusMeanings, ...layers) as StatusMeanings
}

/** The meaning of `status` in `table`: the exact status, else its class, else PROVIDER_REJECTED. */
export function meaningOfStatus(status: number, table: StatusMeanings): StatusMeaning {
  const exact = table[status]
  if (exact) return exact
  const family = status >= 500 ? table['5xx'] : status >= 400 ? table['4xx'] : undefined
  return family ?? meaning('PROVIDER_REJECTED', false, 'gave an unexpected answer')
}

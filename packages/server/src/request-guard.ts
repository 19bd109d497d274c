import { CallportError } from '@callport/core'
import type { IncomingCall } from './incoming-call'
import { isJsonMediaType } from './read-json-body'

/**
 * The header a client may send instead of `Content-Type: application/json` on a state-changing request
 * without a body (any value): a browser sends a custom header cross-origin only after a CORS preflight.
 */
export const REQUEST_HEADER = 'callport-request'

/**
 * Refuses a state-changing request a browser could have sent from another origin without a CORS
 * preflight, carrying the user's cookies (cross-site request forgery):
 * - 415 UNSUPPORTED_MEDIA_TYPE unless it is `Content-Type: application/json` or carries `Callport-Request`
 *   (a form post, `text/plain`, or a body-less `fetch`/`sendBeacon` is neither);
 * - 403 FORBIDDEN when the browser says it comes from another site or another origin of the same site
 *   (`Sec-Fetch-Site: cross-site` or `same-site`), unless its `Origin` is one of `allowedOrigins`.
 * Requests without `Sec-Fetch-Site` (servers, older browsers) are judged by the first rule alone.
 */
export function checkStateChangingRequest(call: IncomingCall, allowedOrigins: ReadonlySet<string>): void {
  const site = call.header('sec-fetch-site')?.trim().toLowerCase()
  if (site === 'cross-site' || site === 'same-site') {
    const origin = call.header('origin')
    if (origin === null || !allowedOrigins.has(origin)) {
      throw new CallportError(
        'FORBIDDEN',
        origin === null ? `A ${site} request without an Origin is refused` : `Requests from ${origin.slice(0, 200)} are refused: it is not in the allowedOrigins option`,
      )
    }
  }
  if (!isJsonMediaType(call.header('content-type')) && call.header(REQUEST_HEADER) === null) {
    throw new CallportError('UNSUPPORTED_MEDIA_TYPE', 'This request must be application/json (or carry a Callport-Request header)')
  }
}

/** Validates one `allowedOrigins` entry: a serialized origin such as `https://app.example.com`. */
export function isSerializedOrigin(value: string): boolean {
  try {
    const url = new URL(value)
    return url.origin !== 'null' && url.origin === value
  } catch {
    return false
  }
}

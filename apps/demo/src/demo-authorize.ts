import type { Authorize } from '@callport/server'

/** Cookies the demo page sets to say who it is. */
export const IDENTITY_COOKIE = 'callport_demo_identity'
export const NAME_COOKIE = 'callport_demo_name'
/** `moderator` when the page was opened with `?role=moderator`. */
export const ROLE_COOKIE = 'callport_demo_role'

function readCookies(header: string | null): Map<string, string> {
  const cookies = new Map<string, string>()
  for (const part of (header ?? '').split(';')) {
    const separator = part.indexOf('=')
    if (separator <= 0) continue
    const value = part.slice(separator + 1).trim()
    try {
      cookies.set(part.slice(0, separator).trim(), decodeURIComponent(value))
    } catch {
      // A malformed cookie is ignored.
    }
  }
  return cookies
}

/**
 * The demo's `authorize`: it TRUSTS the identity, display name and role the page puts in its
 * cookies, so anyone can be anyone, and anyone who opens the page with `?role=moderator` is a
 * moderator (may remove others: `DELETE /calls/rooms/:room/participants/:identity`). A real app
 * authenticates the request (its session cookie, a bearer token) and derives the identity and the
 * role on the server.
 */
export const demoAuthorize: Authorize = async (request) => {
  const cookies = readCookies(request.headers.get('cookie'))
  const identity = cookies.get(IDENTITY_COOKIE)?.trim()
  if (!identity) return null
  const name = cookies.get(NAME_COOKIE)?.trim().slice(0, 64)
  const role = cookies.get(ROLE_COOKIE) === 'moderator' ? 'moderator' : 'publisher'
  return { identity, name: name || identity, role }
}

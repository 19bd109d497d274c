import type { Authorize } from '@callport/server'

export const USER_COOKIE = 'example-user'

/**
 * The example's notion of a signed-in user: a display name in a cookie, set by the page. A real app
 * reads its own session here. The identity is the name reduced to letters, digits, `.`, `_` and `-`
 * (Vidyo tokens name the user `identity@appId`, so an identity never contains `@`).
 */
export const exampleAuthorize: Authorize = async (request) => {
  const cookies = request.headers.get('cookie') ?? ''
  const raw = new RegExp(`(?:^|;\\s*)${USER_COOKIE}=([^;]*)`).exec(cookies)?.[1]
  const name = raw === undefined ? '' : decodeURIComponent(raw).trim().slice(0, 64)
  const identity = name
    .toLowerCase()
    .replace(/[^\p{L}\p{N}._-]+/gu, '-')
    .replace(/^-+|-+$/g, '')
  return identity ? { identity, name } : null
}

import { createHmac, createSecretKey, timingSafeEqual, type KeyObject } from 'node:crypto'
import { CallportError } from '@callport/core'

/**
 * Compact HS256 JSON Web Tokens, for the providers whose credentials Callport signs itself
 * (the in-memory and signaling providers). Server only: it uses node:crypto.
 */

export type JwtClaims = Record<string, unknown> & { exp?: number; nbf?: number; iat?: number }

const base64url = (input: string | Buffer): string => Buffer.from(input).toString('base64url')

const HEADER = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }))

let lastKey: { secret: string; key: KeyObject } | undefined

/** The HMAC key of a secret; a string secret's key is kept, since a server signs with one secret again and again. */
function hmacKey(secret: string | Buffer): KeyObject | Buffer {
  if (typeof secret !== 'string') return secret
  if (lastKey?.secret !== secret) lastKey = { secret, key: createSecretKey(secret, 'utf8') }
  return lastKey.key
}

/** Signs `claims` with HMAC-SHA256. Keys keep the order they have in `claims`. */
export function signHs256Jwt(claims: JwtClaims, secret: string | Buffer): string {
  const unsigned = `${HEADER}.${base64url(JSON.stringify(claims))}`
  const signature = createHmac('sha256', hmacKey(secret)).update(unsigned).digest('base64url')
  return `${unsigned}.${signature}`
}

export interface VerifyJwtOptions {
  /** Seconds since the epoch; defaults to now. */
  now?: number
  /** Seconds of clock skew tolerated on `exp` and `nbf`. Default 0. */
  clockToleranceSeconds?: number
  /** Provider id put on errors. */
  provider?: string
}

/**
 * Verifies an HS256 JWT and returns its claims. Throws `UNAUTHORIZED` for a malformed token or a bad
 * signature and `TOKEN_EXPIRED` when `exp` has passed.
 */
export function verifyHs256Jwt<T extends JwtClaims = JwtClaims>(token: string, secret: string | Buffer, options: VerifyJwtOptions = {}): T {
  const { provider } = options
  const parts = typeof token === 'string' ? token.split('.') : []
  if (parts.length !== 3) throw new CallportError('UNAUTHORIZED', 'Malformed token', { provider })
  const [header, payload, signature] = parts as [string, string, string]
  let parsedHeader: unknown
  let claims: unknown
  try {
    parsedHeader = JSON.parse(Buffer.from(header, 'base64url').toString('utf8'))
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'))
  } catch (cause) {
    throw new CallportError('UNAUTHORIZED', 'Malformed token', { provider, cause })
  }
  if (typeof parsedHeader !== 'object' || parsedHeader === null || (parsedHeader as { alg?: unknown }).alg !== 'HS256') {
    throw new CallportError('UNAUTHORIZED', 'Token algorithm must be HS256', { provider })
  }
  const expected = createHmac('sha256', hmacKey(secret)).update(`${header}.${payload}`).digest()
  const given = Buffer.from(signature, 'base64url')
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new CallportError('UNAUTHORIZED', 'Token signature is invalid', { provider })
  }
  if (typeof claims !== 'object' || claims === null || Array.isArray(claims)) {
    throw new CallportError('UNAUTHORIZED', 'Token claims must be an object', { provider })
  }
  const now = options.now ?? Math.floor(Date.now() / 1000)
  const tolerance = options.clockToleranceSeconds ?? 0
  const { exp, nbf } = claims as JwtClaims
  if (typeof exp === 'number' && now - tolerance >= exp) {
    throw new CallportError('TOKEN_EXPIRED', 'Token has expired', { provider })
  }
  if (typeof nbf === 'number' && now + tolerance < nbf) {
    throw new CallportError('UNAUTHORIZED', 'Token is not valid yet', { provider })
  }
  return claims as T
}

import { CallportError } from '@callport/core'

/**
 * Compact HS256 JSON Web Tokens, for the providers whose credentials Callport signs itself
 * (the in-memory and signaling providers).
 *
 * Runs on any server runtime and imports no Node module: on Node (and wherever
 * `process.getBuiltinModule('node:crypto')` answers: Bun, Deno, Workers with `nodejs_compat`) it
 * signs with node:crypto, synchronously and as fast as before; elsewhere (Vercel Edge, Workers
 * without `nodejs_compat`, any pure web-standard runtime) `signHs256JwtAsync` and
 * `verifyHs256JwtAsync` use Web Crypto (`crypto.subtle`). Providers whose token issuers are async
 * (every `issueToken` is) should call the async pair, which works everywhere; the sync pair is for
 * code that runs on Node only and throws `UNSUPPORTED` where node:crypto is absent.
 */

export type JwtClaims = Record<string, unknown> & { exp?: number; nbf?: number; iat?: number }

/** A signing secret: a string (its UTF-8 bytes) or the bytes themselves (a Node Buffer is a Uint8Array). */
export type JwtSecret = string | Uint8Array

export interface VerifyJwtOptions {
  /** Seconds since the epoch; defaults to now. */
  now?: number
  /** Seconds of clock skew tolerated on `exp` and `nbf`. Default 0. */
  clockToleranceSeconds?: number
  /** Provider id put on errors. */
  provider?: string
}

type NodeCrypto = typeof import('node:crypto')
type NodeBuffer = typeof import('node:buffer').Buffer

/** The parts of Node this module uses, when the runtime has them. */
export interface NodeParts {
  crypto: NodeCrypto
  Buffer: NodeBuffer
}

/** node:crypto and Buffer through `process.getBuiltinModule` (Node ≥ 20.16): no import a bundler would need to resolve. */
function nodeParts(): NodeParts | undefined {
  const getBuiltinModule = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process?.getBuiltinModule
  if (typeof getBuiltinModule !== 'function') return undefined
  try {
    const crypto = getBuiltinModule('node:crypto') as NodeCrypto | undefined
    const buffer = getBuiltinModule('node:buffer') as { Buffer?: NodeBuffer } | undefined
    if (typeof crypto?.createHmac !== 'function' || typeof buffer?.Buffer?.from !== 'function') return undefined
    return { crypto, Buffer: buffer.Buffer }
  } catch {
    return undefined
  }
}

/** `{"alg":"HS256","typ":"JWT"}`, base64url-encoded. */
const HEADER = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9'

const utf8Encoder = new TextEncoder()
const utf8Decoder = new TextDecoder('utf-8', { fatal: true })

function bytesToBase64url(bytes: Uint8Array): string {
  let binary = ''
  for (let index = 0; index < bytes.length; index += 0x8000) binary += String.fromCharCode(...bytes.subarray(index, index + 0x8000))
  return btoa(binary).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '')
}

/** The bytes of base64url text; throws on anything else. */
function base64urlToBytes(text: string): Uint8Array {
  if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) throw new TypeError('not base64url')
  const binary = atob(text.replaceAll('-', '+').replaceAll('_', '/'))
  const bytes = new Uint8Array(binary.length)
  for (let index = 0; index < binary.length; index += 1) bytes[index] = binary.charCodeAt(index)
  return bytes
}

/** The header and claims of a token, parsed; throws `UNAUTHORIZED` when malformed or not HS256. */
function splitToken(token: string, decode: (text: string) => string, provider: string | undefined): { unsigned: string; signature: string; claims: unknown } {
  const parts = typeof token === 'string' ? token.split('.') : []
  if (parts.length !== 3) throw new CallportError('UNAUTHORIZED', 'Malformed token', { provider })
  const [header, payload, signature] = parts as [string, string, string]
  let parsedHeader: unknown
  let claims: unknown
  try {
    parsedHeader = JSON.parse(decode(header))
    claims = JSON.parse(decode(payload))
  } catch (cause) {
    throw new CallportError('UNAUTHORIZED', 'Malformed token', { provider, cause })
  }
  if (typeof parsedHeader !== 'object' || parsedHeader === null || (parsedHeader as { alg?: unknown }).alg !== 'HS256') {
    throw new CallportError('UNAUTHORIZED', 'Token algorithm must be HS256', { provider })
  }
  return { unsigned: `${header}.${payload}`, signature, claims }
}

/** The checks after the signature: claims an object, `exp` and `nbf` respected. */
function checkedClaims<T extends JwtClaims>(claims: unknown, options: VerifyJwtOptions): T {
  const { provider } = options
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

const invalidSignature = (provider: string | undefined) => new CallportError('UNAUTHORIZED', 'Token signature is invalid', { provider })

/** The four functions, made for one runtime: with node:crypto when `node` is given, with Web Crypto otherwise. */
export function hs256Jwt({ node }: { node: NodeParts | undefined } = { node: nodeParts() }) {
  const noNodeCrypto = (name: string) => new CallportError('UNSUPPORTED', `${name} needs node:crypto, which this runtime lacks; use ${name}Async (Web Crypto) instead`)

  // node:crypto: the key of a string secret is kept, since a server signs with one secret again and again.
  let lastNodeKey: { secret: string; key: import('node:crypto').KeyObject } | undefined
  function nodeKey({ crypto }: NodeParts, secret: JwtSecret): import('node:crypto').KeyObject | Uint8Array {
    if (typeof secret !== 'string') return secret
    if (lastNodeKey?.secret !== secret) lastNodeKey = { secret, key: crypto.createSecretKey(secret, 'utf8') }
    return lastNodeKey.key
  }

  // Web Crypto: the same, a CryptoKey promise per string secret (the last one).
  let lastWebKey: { secret: string; key: Promise<CryptoKey> } | undefined
  function webKey(secret: JwtSecret): Promise<CryptoKey> {
    const importKey = (bytes: Uint8Array) => crypto.subtle.importKey('raw', bytes as Uint8Array<ArrayBuffer>, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify'])
    if (typeof secret !== 'string') return importKey(secret)
    if (lastWebKey?.secret !== secret) lastWebKey = { secret, key: importKey(utf8Encoder.encode(secret)) }
    return lastWebKey.key
  }

  /** Signs `claims` with HMAC-SHA256 through node:crypto. Keys keep the order they have in `claims`. */
  function signHs256Jwt(claims: JwtClaims, secret: JwtSecret): string {
    if (!node) throw noNodeCrypto('signHs256Jwt')
    const unsigned = `${HEADER}.${node.Buffer.from(JSON.stringify(claims)).toString('base64url')}`
    const signature = node.crypto.createHmac('sha256', nodeKey(node, secret)).update(unsigned).digest('base64url')
    return `${unsigned}.${signature}`
  }

  /** Verifies an HS256 JWT through node:crypto and returns its claims. */
  function verifyHs256Jwt<T extends JwtClaims = JwtClaims>(token: string, secret: JwtSecret, options: VerifyJwtOptions = {}): T {
    if (!node) throw noNodeCrypto('verifyHs256Jwt')
    const { Buffer, crypto } = node
    const { unsigned, signature, claims } = splitToken(token, (text) => Buffer.from(text, 'base64url').toString('utf8'), options.provider)
    const expected = crypto.createHmac('sha256', nodeKey(node, secret)).update(unsigned).digest()
    const given = Buffer.from(signature, 'base64url')
    if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected)) throw invalidSignature(options.provider)
    return checkedClaims<T>(claims, options)
  }

  /** Signs `claims` with HMAC-SHA256: node:crypto when the runtime has it, Web Crypto otherwise. */
  async function signHs256JwtAsync(claims: JwtClaims, secret: JwtSecret): Promise<string> {
    if (node) return signHs256Jwt(claims, secret)
    const unsigned = `${HEADER}.${bytesToBase64url(utf8Encoder.encode(JSON.stringify(claims)))}`
    const signature = await crypto.subtle.sign('HMAC', await webKey(secret), utf8Encoder.encode(unsigned))
    return `${unsigned}.${bytesToBase64url(new Uint8Array(signature))}`
  }

  /** Verifies an HS256 JWT: node:crypto when the runtime has it, Web Crypto otherwise. */
  async function verifyHs256JwtAsync<T extends JwtClaims = JwtClaims>(token: string, secret: JwtSecret, options: VerifyJwtOptions = {}): Promise<T> {
    if (node) return verifyHs256Jwt<T>(token, secret, options)
    const { unsigned, signature, claims } = splitToken(token, (text) => utf8Decoder.decode(base64urlToBytes(text)), options.provider)
    let given: Uint8Array
    try {
      given = base64urlToBytes(signature)
    } catch {
      throw invalidSignature(options.provider)
    }
    // crypto.subtle.verify compares in constant time.
    const valid = await crypto.subtle.verify('HMAC', await webKey(secret), given as Uint8Array<ArrayBuffer>, utf8Encoder.encode(unsigned))
    if (!valid) throw invalidSignature(options.provider)
    return checkedClaims<T>(claims, options)
  }

  return { signHs256Jwt, verifyHs256Jwt, signHs256JwtAsync, verifyHs256JwtAsync }
}

const forThisRuntime = /* @__PURE__ */ hs256Jwt()

/**
 * Signs `claims` with HMAC-SHA256 (keys keep the order they have in `claims`), synchronously, with
 * node:crypto. Throws `UNSUPPORTED` on a runtime without node:crypto: use {@link signHs256JwtAsync},
 * which works everywhere and is as fast on Node.
 */
export const signHs256Jwt: (claims: JwtClaims, secret: JwtSecret) => string = forThisRuntime.signHs256Jwt

/**
 * Verifies an HS256 JWT and returns its claims, synchronously, with node:crypto. Throws
 * `UNAUTHORIZED` for a malformed token or a bad signature and `TOKEN_EXPIRED` when `exp` has passed;
 * `UNSUPPORTED` on a runtime without node:crypto (use {@link verifyHs256JwtAsync} there).
 */
export const verifyHs256Jwt: <T extends JwtClaims = JwtClaims>(token: string, secret: JwtSecret, options?: VerifyJwtOptions) => T = forThisRuntime.verifyHs256Jwt

/**
 * Signs `claims` with HMAC-SHA256 on any runtime: node:crypto where `process.getBuiltinModule`
 * gives it (the same speed as {@link signHs256Jwt}), Web Crypto (`crypto.subtle`) elsewhere. The
 * tokens are byte for byte the same.
 */
export const signHs256JwtAsync: (claims: JwtClaims, secret: JwtSecret) => Promise<string> = forThisRuntime.signHs256JwtAsync

/**
 * Verifies an HS256 JWT on any runtime (node:crypto where available, Web Crypto elsewhere); the
 * same checks and errors as {@link verifyHs256Jwt}, as a rejected promise.
 */
export const verifyHs256JwtAsync: <T extends JwtClaims = JwtClaims>(token: string, secret: JwtSecret, options?: VerifyJwtOptions) => Promise<T> =
  forThisRuntime.verifyHs256JwtAsync

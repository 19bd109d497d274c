/**
 * Janus signed tokens and the values derived from the shared `token_auth_secret`, with Web Crypto
 * only (no node:crypto), so the server half runs on every runtime.
 *
 * Janus 1.1.2 (src/auth.c, `janus_auth_check_signature` and `janus_auth_check_signature_contains`)
 * splits a token at its first `:` into data and signature, and the data at `,` into the expiry (Unix
 * seconds, refused once past), a realm and descriptors; the signature must be the standard base64
 * (with padding) of HMAC-SHA1(token_auth_secret, data). The core checks the realm `janus` with the
 * plugin's package name as a descriptor (on every request, and on attach); VideoRoom checks, for a
 * room created with `signed_tokens`, the realm `janus.plugin.videoroom` with the descriptor
 * `room=<room id>` on every `join` (publishers and subscribers alike).
 */

const utf8 = new TextEncoder()
const VIDEOROOM = 'janus.plugin.videoroom'

function base64(bytes: Uint8Array): string {
  let text = ''
  for (const byte of bytes) text += String.fromCharCode(byte)
  return btoa(text)
}

async function hmac(hash: 'SHA-1' | 'SHA-256', secret: string, data: string): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey('raw', utf8.encode(secret), { name: 'HMAC', hash }, false, ['sign'])
  return new Uint8Array(await crypto.subtle.sign('HMAC', key, utf8.encode(data)))
}

/** `<data>:<base64 HMAC-SHA1(secret, data)>`, a Janus signed token. */
export async function signJanusToken(secret: string, data: string): Promise<string> {
  return `${data}:${base64(await hmac('SHA-1', secret, data))}`
}

/** The core token: the Janus API and the VideoRoom plugin until `expiry` (Unix seconds). */
export function coreToken(secret: string, expiry: number): Promise<string> {
  return signJanusToken(secret, `${expiry},janus,${VIDEOROOM}`)
}

/** 16 random bytes in base64url without padding: no `,` or `:`, where Janus splits a token. */
function nonce(): string {
  return base64(crypto.getRandomValues(new Uint8Array(16)))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '')
}

/**
 * The VideoRoom token joining room `roomId` (publisher or subscriber) until `expiry` (Unix seconds),
 * `<expiry>,janus.plugin.videoroom,room=<id>,nonce=<random>:<signature>`. The nonce makes every token
 * its own: a publisher's goes into the room's `allowed` list, which VideoRoom matches by the whole
 * token, so a subscriber's token made in the same second for the same room must differ from it.
 * VideoRoom looks for the `room=<id>` descriptor among the others (src/auth.c,
 * `janus_auth_check_signature_contains`), so the nonce is accepted.
 */
export function roomToken(secret: string, expiry: number, roomId: number): Promise<string> {
  return signJanusToken(secret, `${expiry},${VIDEOROOM},room=${roomId},nonce=${nonce()}`)
}

/** The Unix second a signed token expires at, or undefined when it is not one. */
export function expiryOfSignedToken(token: string): number | undefined {
  const match = /^(\d+),/.exec(token)
  return match ? Number(match[1]) : undefined
}

/**
 * The numeric VideoRoom room id of a Callport room name: the first 53 bits of SHA-256 of the name
 * (never 0, which VideoRoom reads as "pick one"), so that every app server finds the same room without
 * shared state, and it stays a safe JavaScript integer. Two names meet on one id with a chance of
 * about n²/2⁵⁴ for n rooms.
 */
export async function videoRoomIdOf(name: string): Promise<number> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', utf8.encode(`callport-room:${name}`)))
  let id = 0
  for (let index = 0; index < 7; index += 1) id = id * 256 + digest[index]!
  id = Math.floor(id / 8) // 56 bits → 53 bits
  return id === 0 ? 1 : id
}

/**
 * The VideoRoom room `secret` of a Callport room (needed to edit, kick, moderate, destroy and manage
 * its `allowed` list): base64 HMAC-SHA256 of the room name under the token secret, so that every app
 * server sharing the token secret agrees on it, and nobody without the secret can compute it.
 */
export async function videoRoomSecretOf(tokenSecret: string, name: string): Promise<string> {
  return base64(await hmac('SHA-256', tokenSecret, `callport-room-secret:${name}`))
}

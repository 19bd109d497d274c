import { createHmac, timingSafeEqual } from 'node:crypto'
import { parse as parseQuery, stringify as stringifyQuery } from 'node:querystring'

/**
 * `X-Twilio-Signature` (reference/vendors.md §2.4 and §7), as twilio-node 6.3.1 `lib/webhooks/webhooks.js`
 * (`getExpectedTwilioSignature`, `validateRequest`, `getSignatureAlgorithm`) computes and checks it:
 * base64 of an HMAC over the full URL Twilio requested followed by every POST parameter, sorted by
 * name, as `name + value` (a repeated name contributes each distinct value, sorted).
 *
 * - The key is the account's auth token and the HMAC is SHA-1, unless the request carries
 *   `X-Twilio-Webhooks-Signature-Settings: key=<SharedKey SID>,algorithm=<HMAC_SHA1|HMAC_SHA256>`: then
 *   Twilio signed with a SharedKey, the key is that SharedKey's secret and the HMAC is the algorithm named
 *   (HMAC_SHA1 when the header names none). Any other algorithm is refused.
 * - The URLs tried are those `validateRequest` tries, in its order: the URL as received without and with
 *   the scheme's default port; then the URL as `new URL()` normalizes it, without and with the port, and
 *   each of those with its query re-encoded by Node's legacy `querystring` (`stringify(parse(query))`).
 * - The signature must be the canonical base64 of the HMAC, as twilio-node compares the strings: its bytes
 *   are compared only when re-encoding them gives back exactly the header (no extra `=`, no non-zero
 *   padding bits, no whitespace), and then in constant time.
 */

/** Form parameters, in the shape twilio-node takes them: a value, or every value of a repeated name. */
export type SignedParameters = Record<string, string | readonly string[]>

/** The request header that names a SharedKey signature's algorithm (twilio-node `SIGNATURE_SETTINGS_HEADER`). */
export const SIGNATURE_SETTINGS_HEADER = 'X-Twilio-Webhooks-Signature-Settings'

/** The signature algorithms Twilio names (twilio-node 6.3.1 `HMAC_SHA1`, `HMAC_SHA256`). */
export type TwilioSignatureAlgorithm = 'HMAC_SHA1' | 'HMAC_SHA256'

/**
 * Parses an `application/x-www-form-urlencoded` body; a repeated name gives an array of its values.
 * The object has no prototype, so that names such as `toString` or `__proto__` are plain parameters.
 */
export function parseFormParameters(body: string): SignedParameters {
  const parameters: Record<string, string | string[]> = Object.create(null)
  for (const [name, value] of new URLSearchParams(body)) {
    const present = parameters[name]
    if (present === undefined) parameters[name] = value
    else if (Array.isArray(present)) present.push(value)
    else parameters[name] = [present, value]
  }
  return parameters
}

/**
 * The algorithm named by `X-Twilio-Webhooks-Signature-Settings` (`key=…,algorithm=…`), as twilio-node's
 * `getSignatureAlgorithm` reads it: the first non-empty `algorithm=` part, trimmed; HMAC_SHA1 when the
 * header is missing or names none. The name is returned as given (it may be one Twilio added later).
 */
export function signatureAlgorithmOf(settingsHeader: string | null | undefined): string {
  for (const part of (settingsHeader ?? '').split(',')) {
    const separator = part.indexOf('=')
    if (separator !== -1 && part.slice(0, separator).trim() === 'algorithm') {
      const algorithm = part.slice(separator + 1).trim()
      if (algorithm) return algorithm
    }
  }
  return 'HMAC_SHA1'
}

/** The Node hash of a Twilio algorithm name (case-insensitive, as twilio-node), or null when unsupported. */
function hashOf(algorithm: string | undefined): 'sha1' | 'sha256' | null {
  if (!algorithm || algorithm.toUpperCase() === 'HMAC_SHA1') return 'sha1'
  if (algorithm.toUpperCase() === 'HMAC_SHA256') return 'sha256'
  return null
}

function signedData(url: string, parameters: SignedParameters): string {
  let data = url
  for (const name of Object.keys(parameters).sort()) {
    const value = parameters[name]!
    if (typeof value === 'string') data += name + value
    else for (const each of [...new Set(value)].sort()) data += name + each
  }
  return data
}

function hmac(hash: 'sha1' | 'sha256', key: string, url: string, parameters: SignedParameters): Buffer {
  return createHmac(hash, key)
    .update(Buffer.from(signedData(url, parameters), 'utf8'))
    .digest()
}

/**
 * The `X-Twilio-Signature` Twilio sends for a POST of `parameters` to `url`, keyed with the auth token
 * (HMAC_SHA1, the default) or a SharedKey secret. Throws for an algorithm Twilio does not define.
 */
export function twilioRequestSignature(key: string, url: string, parameters: SignedParameters, algorithm: string = 'HMAC_SHA1'): string {
  const hash = hashOf(algorithm)
  if (!hash) throw new TypeError(`Unsupported Twilio webhook signature algorithm: ${algorithm}`)
  return hmac(hash, key, url, parameters).toString('base64')
}

/** A URL's scheme, authority parts and the rest, without normalizing anything (null without `scheme://`). */
function splitUrl(url: string): { scheme: string; userInfo: string; host: string; port: string; rest: string } | null {
  const match = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#]*)/i.exec(url)
  if (!match) return null
  const [prefix, scheme = '', authority = ''] = match
  const userInfoEnd = authority.lastIndexOf('@')
  const hostAndPort = authority.slice(userInfoEnd + 1)
  // In an IPv6 literal, only a colon after the closing bracket starts the port.
  const portStart = hostAndPort.indexOf(':', hostAndPort.lastIndexOf(']') + 1)
  return {
    scheme,
    userInfo: authority.slice(0, userInfoEnd + 1),
    host: portStart === -1 ? hostAndPort : hostAndPort.slice(0, portStart),
    port: portStart === -1 ? '' : hostAndPort.slice(portStart),
    rest: url.slice(prefix.length),
  }
}

function removePort(url: string): string {
  const parts = splitUrl(url)
  return parts ? parts.scheme + parts.userInfo + parts.host + parts.rest : url
}

function addPort(url: string): string {
  const parts = splitUrl(url)
  if (!parts || parts.port) return url
  return parts.scheme + parts.userInfo + parts.host + (parts.scheme.toLowerCase() === 'https://' ? ':443' : ':80') + parts.rest
}

/** The URL with its query re-encoded by Node's legacy `querystring`, for back ends that signed that form. */
export function withLegacyQuery(url: string): string {
  const queryStart = url.indexOf('?')
  if (queryStart === -1 || queryStart === url.length - 1) return url
  return `${url.slice(0, queryStart)}?${stringifyQuery(parseQuery(url.slice(queryStart + 1)))}`
}

/** The URL without its port, and with the scheme's default port when it has none (as received). */
export function urlVariants(url: string): string[] {
  return [...new Set([removePort(url), addPort(url)])]
}

/**
 * Every URL twilio-node's `validateRequest` tries for the URL `url`, distinct, in its order. A URL
 * `new URL()` cannot parse gives only the forms as received (twilio-node throws there).
 */
export function signedUrlCandidates(url: string): string[] {
  const candidates = urlVariants(url)
  let normalized: string
  try {
    normalized = new URL(url).toString()
  } catch {
    return candidates
  }
  const normalizedVariants = [removePort(normalized), addPort(normalized)]
  candidates.push(...normalizedVariants, ...normalizedVariants.map(withLegacyQuery))
  return [...new Set(candidates)]
}

/** The bytes of `signature` when it is canonical base64 (what Node's encoder writes), else null. */
function canonicalBase64Bytes(signature: string): Buffer | null {
  const bytes = Buffer.from(signature, 'base64')
  return bytes.length > 0 && bytes.toString('base64') === signature ? bytes : null
}

/**
 * True when `signature` is what Twilio sends for `parameters` posted to one of `urls` (each tried as
 * twilio-node's `validateRequest` tries it), keyed with `key` (the auth token, or the SharedKey secret
 * for a SharedKey signature) under `algorithm` (default HMAC_SHA1; an unsupported one is refused).
 */
export function isValidTwilioSignature(
  key: string,
  signature: string | null,
  urls: readonly string[],
  parameters: SignedParameters,
  algorithm: string = 'HMAC_SHA1',
): boolean {
  const hash = hashOf(algorithm)
  if (hash === null || signature === null) return false
  const given = canonicalBase64Bytes(signature)
  if (given === null) return false
  let valid = false
  for (const candidate of new Set(urls.flatMap(signedUrlCandidates))) {
    const expected = hmac(hash, key, candidate, parameters)
    // Every candidate is checked, so the time taken does not tell which one matched; the lengths are the
    // algorithm's, not secret.
    if (given.length === expected.length && timingSafeEqual(given, expected)) valid = true
  }
  return valid
}

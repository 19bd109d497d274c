import { createHash, createHmac, timingSafeEqual } from 'node:crypto'

/**
 * `X-Twilio-Signature` (reference/vendors.md §2.4): base64 of HMAC-SHA1, keyed with the account's auth
 * token, over the full URL Twilio requested followed by every POST parameter, sorted by name, as
 * `name + value` (a repeated name contributes each distinct value, sorted). Verification tries the URL
 * as received with its port removed and with the scheme's default port added, as twilio-node's
 * `validateRequest` does, and compares in constant time.
 */

/** Form parameters, in the shape twilio-node takes them: a value, or every value of a repeated name. */
export type SignedParameters = Record<string, string | readonly string[]>

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

function signedData(url: string, parameters: SignedParameters): string {
  let data = url
  for (const name of Object.keys(parameters).sort()) {
    const value = parameters[name]!
    if (typeof value === 'string') data += name + value
    else for (const each of [...new Set(value)].sort()) data += name + each
  }
  return data
}

/** The `X-Twilio-Signature` Twilio sends for a POST of `parameters` to `url`. */
export function twilioRequestSignature(authToken: string, url: string, parameters: SignedParameters): string {
  return createHmac('sha1', authToken).update(Buffer.from(signedData(url, parameters), 'utf8')).digest('base64')
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

/** The URL without its port, and with the scheme's default port when it has none. */
export function urlVariants(url: string): string[] {
  const parts = splitUrl(url)
  if (!parts) return [url]
  const base = parts.scheme + parts.userInfo + parts.host
  const withoutPort = base + parts.rest
  const withPort = parts.port ? url : base + (parts.scheme.toLowerCase() === 'https://' ? ':443' : ':80') + parts.rest
  return withoutPort === withPort ? [withoutPort] : [withoutPort, withPort]
}

const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest()

/**
 * True when `signature` is what Twilio sends for `parameters` posted to one of `urls` (each tried
 * without and with its port). Comparing fixed-length digests keeps the time independent of where,
 * and whether in length, the signatures differ.
 */
export function isValidTwilioSignature(authToken: string, signature: string | null, urls: readonly string[], parameters: SignedParameters): boolean {
  if (signature === null || signature === '') return false
  const given = digest(signature)
  let valid = false
  for (const candidate of new Set(urls.flatMap(urlVariants))) {
    // Every candidate is checked, so the time taken does not tell which one matched.
    if (timingSafeEqual(given, digest(twilioRequestSignature(authToken, candidate, parameters)))) valid = true
  }
  return valid
}

import { parse as parseQuery, stringify as stringifyQuery } from 'node:querystring'
import fc from 'fast-check'
import twilioNode from 'twilio'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import {
  isValidTwilioSignature,
  parseFormParameters,
  SIGNATURE_SETTINGS_HEADER,
  signatureAlgorithmOf,
  signedUrlCandidates,
  twilioRequestSignature,
  urlVariants,
} from '../src/server/request-signature'
import { credentials } from './twilio-harness'

/**
 * The oracle is twilio-node 6.3.1 (`twilio` devDependency), `lib/webhooks/webhooks.js`: signatures are
 * made with its `getExpectedTwilioSignature` and every decision of ours is compared with its
 * `validateRequest` (URL variants: as received ± port, `new URL()`-normalized ± port, and those with
 * the query re-encoded by Node's legacy `querystring`; algorithms HMAC_SHA1 and HMAC_SHA256 for
 * SharedKey signatures; the header compared as a string, so only the canonical base64 passes).
 */

const { authToken } = credentials
const sharedKeySecret = 'test-shared-key-secret-for-callport'

// twilio-node warns on the console when it refuses an unsupported algorithm.
beforeEach(() => {
  vi.spyOn(console, 'warn').mockImplementation(() => {})
})
afterEach(() => {
  vi.restoreAllMocks()
})

/** Characters that `new URL()` and the legacy `querystring` re-encode differently, and plain ones. */
const urlCharacter = fc.constantFrom(
  ...'abcXYZ019-_.~',
  "'",
  '!',
  '*',
  '(',
  ')',
  ' ',
  '"',
  '|',
  '^',
  '`',
  '{',
  '}',
  '+',
  '%20',
  '%27',
  '%2B',
  '%7E',
  'é',
  '✓',
  ',',
  ';',
  ':',
  '@',
  '$',
)
const urlText = (maxLength: number) => fc.array(urlCharacter, { maxLength }).map((characters) => characters.join(''))

const queryArbitrary = fc.oneof(
  fc.constant(''),
  fc.constant('?'),
  fc
    .array(fc.tuple(fc.stringMatching(/^[a-z]{1,3}$/), fc.option(urlText(6), { nil: undefined })), { minLength: 1, maxLength: 4 })
    .map((pairs) => `?${pairs.map(([name, value]) => (value === undefined ? name : `${name}=${value}`)).join('&')}`),
)

const urlArbitrary = fc
  .record({
    scheme: fc.constantFrom('https', 'http', 'HTTPS'),
    userInfo: fc.constantFrom('', 'user:pass@'),
    host: fc.constantFrom('calls.example.com', 'Example.ORG', '127.0.0.1', '[::1]'),
    port: fc.option(fc.constantFrom(80, 443, 8080, 1, 65_535), { nil: undefined }),
    path: fc.array(urlText(6), { maxLength: 3 }),
    query: queryArbitrary,
  })
  .map(({ scheme, userInfo, host, port, path, query }) => `${scheme}://${userInfo}${host}${port === undefined ? '' : `:${port}`}/${path.join('/')}${query}`)
  .filter((url) => URL.canParse(url))

/** Form parameters as Twilio posts them: names and values of any text, a name possibly repeated. */
const parametersArbitrary = fc.dictionary(
  fc.string({ minLength: 1, maxLength: 12, unit: 'grapheme' }).filter((name) => name !== '__proto__'),
  fc.oneof(fc.string({ maxLength: 20, unit: 'grapheme' }), fc.array(fc.string({ maxLength: 8 }), { minLength: 1, maxLength: 3 })),
  { maxKeys: 8 },
)

/** The form body Twilio posts for `parameters` (a repeated name once per value). */
const formBody = (parameters: Record<string, string | string[]>): string =>
  new URLSearchParams(Object.entries(parameters).flatMap(([name, value]) => (typeof value === 'string' ? [[name, value]] : value.map((each) => [name, each])))).toString()

/** Ways the URL Twilio signed can differ from the URL the server received, written here from twilio-node's helpers' descriptions. */
const legacyQuery = (url: string): string => {
  const start = url.indexOf('?')
  return start === -1 || start === url.length - 1 ? url : `${url.slice(0, start)}?${stringifyQuery(parseQuery(url.slice(start + 1)))}`
}
const withoutPort = (url: string): string => url.replace(/^([a-z]+:\/\/(?:[^@/]*@)?(?:\[[^\]]*\]|[^:/?#]*)):\d+/i, '$1')
const signedForms: Record<string, (received: string, other: string) => string> = {
  'as received': (received) => received,
  'without its port': (received) => withoutPort(received),
  'with the default port': (received) => withoutPort(received).replace(/^([a-z]+:\/\/[^/]*)/i, (authority) => `${authority}${/^https/i.test(authority) ? ':443' : ':80'}`),
  'normalized by new URL()': (received) => new URL(received).toString(),
  'normalized, query re-encoded by querystring': (received) => legacyQuery(new URL(received).toString()),
  'normalized without port, query re-encoded': (received) => legacyQuery(withoutPort(new URL(received).toString())),
  'query re-encoded without normalizing (not tried)': (received) => legacyQuery(received),
  'another URL': (_received, other) => other,
}

/** Ways a signature header can be mangled; twilio-node compares strings, so each is refused unless unchanged. */
const mangles: Record<string, (signature: string) => string> = {
  unchanged: (signature) => signature,
  '"=" appended': (signature) => `${signature}=`,
  'padding removed': (signature) => signature.replace(/=+$/, ''),
  'non-zero padding bits': (signature) => {
    const padded = signature.endsWith('=')
    const index = signature.replace(/=+$/, '').length - 1
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'
    const value = alphabet.indexOf(signature[index]!)
    return padded ? signature.slice(0, index) + alphabet[value ^ 1]! + signature.slice(index + 1) : signature
  },
  'base64url alphabet': (signature) => signature.replaceAll('+', '-').replaceAll('/', '_'),
  'surrounding space': (signature) => ` ${signature} `,
  'line break inside': (signature) => `${signature.slice(0, 10)}\n${signature.slice(10)}`,
  truncated: (signature) => signature.slice(0, -2),
  lowercased: (signature) => signature.toLowerCase(),
  empty: () => '',
}

const algorithmArbitrary = fc.constantFrom('HMAC_SHA1', 'HMAC_SHA256', 'hmac_sha256', undefined)

describe('X-Twilio-Signature against twilio-node 6.3.1', () => {
  it('computes what getExpectedTwilioSignature computes, for generated URLs, parameters and both algorithms', () => {
    fc.assert(
      fc.property(urlArbitrary, parametersArbitrary, algorithmArbitrary, fc.constantFrom(authToken, sharedKeySecret), (url, parameters, algorithm, key) => {
        expect(twilioRequestSignature(key, url, parameters, algorithm)).toBe(twilioNode.getExpectedTwilioSignature(key, url, parameters, algorithm))
      }),
      { numRuns: 300 },
    )
  })

  it('decides like validateRequest: signed URL form × signing and checking algorithm × key × mangled header, over the parsed form body', () => {
    const decisions = { accepted: 0, refused: 0 }
    fc.assert(
      fc.property(
        urlArbitrary,
        urlArbitrary,
        fc.constantFrom(...Object.keys(signedForms)),
        parametersArbitrary,
        fc.constantFrom('HMAC_SHA1', 'HMAC_SHA256'),
        fc.constantFrom('HMAC_SHA1', 'HMAC_SHA256', 'hmac_sha256', 'HMAC_SHA512', undefined),
        fc.oneof({ arbitrary: fc.constant(authToken), weight: 3 }, { arbitrary: fc.constant(sharedKeySecret), weight: 1 }),
        fc.oneof({ arbitrary: fc.constant('unchanged'), weight: 1 }, { arbitrary: fc.constantFrom(...Object.keys(mangles)), weight: 1 }),
        (received, other, form, parameters, signedWith, checkedWith, key, mangle) => {
          const signature = mangles[mangle]!(twilioNode.getExpectedTwilioSignature(authToken, signedForms[form]!(received, other), parameters, signedWith))
          const theirs = twilioNode.validateRequest(key, signature, received, parameters, checkedWith)
          const ours = isValidTwilioSignature(key, signature, [received], parseFormParameters(formBody(parameters)), checkedWith)
          expect(ours).toBe(theirs)
          decisions[ours ? 'accepted' : 'refused'] += 1
        },
      ),
      { numRuns: 3000 },
    )
    // Both answers occur often enough for the comparison to mean something.
    expect(decisions.accepted).toBeGreaterThan(100)
    expect(decisions.refused).toBeGreaterThan(100)
  })

  it('accepts a signature over the legacy re-encoded query, the one validateRequest 6.3 added', () => {
    const received = "https://calls.example.com/webhooks/twilio?name=O'Brien+Jr"
    const signedOver = legacyQuery(new URL(received).toString())
    expect(new URL(received).toString()).toBe('https://calls.example.com/webhooks/twilio?name=O%27Brien+Jr')
    expect(signedOver).toBe("https://calls.example.com/webhooks/twilio?name=O'Brien%20Jr")
    const parameters = { RoomName: 'standup' }
    const signature = twilioNode.getExpectedTwilioSignature(authToken, signedOver, parameters)
    expect(twilioNode.validateRequest(authToken, signature, received, parameters)).toBe(true)
    expect(isValidTwilioSignature(authToken, signature, [received], parameters)).toBe(true)
    expect(signedUrlCandidates(received)).toContain(signedOver)
  })

  it('refuses "=" appended, non-canonical padding bits and other non-canonical base64 of the right bytes', () => {
    const url = 'https://calls.example.com/webhooks/twilio'
    const parameters = { RoomName: 'standup', StatusCallbackEvent: 'room-created' }
    for (const algorithm of ['HMAC_SHA1', 'HMAC_SHA256'] as const) {
      const good = twilioNode.getExpectedTwilioSignature(authToken, url, parameters, algorithm)
      expect(isValidTwilioSignature(authToken, good, [url], parameters, algorithm)).toBe(true)
      for (const [name, mangle] of Object.entries(mangles).filter(([name]) => name !== 'unchanged')) {
        const bad = mangle(good)
        if (bad === good) continue
        expect({ name, algorithm, ours: isValidTwilioSignature(authToken, bad, [url], parameters, algorithm) }).toEqual({ name, algorithm, ours: false })
        expect(twilioNode.validateRequest(authToken, bad, url, parameters, algorithm)).toBe(false)
      }
    }
    // The bytes of a non-canonical form are the signature's: only the canonical comparison refuses it.
    const good = twilioNode.getExpectedTwilioSignature(authToken, url, parameters)
    expect(good).toMatch(/=$/)
    expect(Buffer.from(mangles['non-zero padding bits']!(good), 'base64')).toEqual(Buffer.from(good, 'base64'))
    expect(isValidTwilioSignature(authToken, null, [url], parameters)).toBe(false)
    expect(isValidTwilioSignature('another-auth-token', good, [url], parameters)).toBe(false)
    expect(isValidTwilioSignature(authToken, good, [url], { ...parameters, RoomName: 'other' })).toBe(false)
  })

  it('an HMAC_SHA256 SharedKey signature is not an HMAC_SHA1 one, and an unknown algorithm is refused', () => {
    const url = 'https://calls.example.com/webhooks/twilio'
    const parameters = { RoomName: 'standup' }
    const sha256 = twilioNode.getExpectedTwilioSignature(sharedKeySecret, url, parameters, 'HMAC_SHA256')
    expect(Buffer.from(sha256, 'base64')).toHaveLength(32)
    expect(isValidTwilioSignature(sharedKeySecret, sha256, [url], parameters, 'HMAC_SHA256')).toBe(true)
    expect(isValidTwilioSignature(sharedKeySecret, sha256, [url], parameters, 'HMAC_SHA1')).toBe(false)
    expect(isValidTwilioSignature(sharedKeySecret, sha256, [url], parameters, 'HMAC_SHA512')).toBe(false)
    expect(() => twilioRequestSignature(sharedKeySecret, url, parameters, 'HMAC_SHA512')).toThrow(/HMAC_SHA512/)
  })

  it('reads the algorithm from X-Twilio-Webhooks-Signature-Settings as getSignatureAlgorithm does', () => {
    expect(SIGNATURE_SETTINGS_HEADER).toBe(twilioNode.SIGNATURE_SETTINGS_HEADER)
    const headers = [
      undefined,
      '',
      'key=webhooks_sharedkey_0123,algorithm=HMAC_SHA256',
      'algorithm=HMAC_SHA1,key=webhooks_sharedkey_0123',
      ' algorithm = hmac_sha256 ',
      'key=webhooks_sharedkey_0123',
      'algorithm=,algorithm=HMAC_SHA256',
      'algorithm==HMAC_SHA256',
      'Algorithm=HMAC_SHA256',
      'key=a=b,algorithm=HMAC_SHA512',
    ]
    for (const header of headers) expect(signatureAlgorithmOf(header)).toBe(twilioNode.getSignatureAlgorithm(header))
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (header) => {
        expect(signatureAlgorithmOf(header)).toBe(twilioNode.getSignatureAlgorithm(header))
      }),
      { numRuns: 500 },
    )
  })

  it('signs every value of a repeated parameter, distinct and sorted, like twilio-node', () => {
    const received = parseFormParameters('Tracks=b&Tracks=a&Tracks=b&RoomName=standup')
    expect(received).toEqual({ Tracks: ['b', 'a', 'b'], RoomName: 'standup' })
    const url = 'https://calls.example.com/webhooks/twilio'
    expect(twilioRequestSignature(authToken, url, received)).toBe(twilioNode.getExpectedTwilioSignature(authToken, url, { Tracks: ['b', 'a', 'b'], RoomName: 'standup' }))
  })

  it('lists a URL without its port and with the default port of its scheme, then the normalized and legacy-query forms', () => {
    expect(urlVariants('https://a.example/x?y=1')).toEqual(['https://a.example/x?y=1', 'https://a.example:443/x?y=1'])
    expect(urlVariants('http://a.example:8080/x')).toEqual(['http://a.example/x', 'http://a.example:8080/x'])
    expect(urlVariants('http://[::1]:80/x')).toEqual(['http://[::1]/x', 'http://[::1]:80/x'])
    expect(urlVariants('not a url')).toEqual(['not a url'])
    expect(signedUrlCandidates("https://A.example/x y?q=it's")).toEqual([
      "https://A.example/x y?q=it's",
      "https://A.example:443/x y?q=it's",
      'https://a.example/x%20y?q=it%27s',
      'https://a.example:443/x%20y?q=it%27s',
      "https://a.example/x%20y?q=it's",
      "https://a.example:443/x%20y?q=it's",
    ])
    expect(signedUrlCandidates('not a url')).toEqual(['not a url'])
  })
})

import fc from 'fast-check'
import twilioNode from 'twilio'
import { describe, expect, it } from 'vitest'
import { isValidTwilioSignature, parseFormParameters, twilioRequestSignature, urlVariants } from '../src/server/request-signature'
import { credentials } from './twilio-harness'

const { authToken } = credentials

/** Form parameters as Twilio posts them: names and values of any text, names unique. */
const parametersArbitrary = fc.dictionary(
  fc.string({ minLength: 1, maxLength: 20, unit: 'grapheme' }).filter((name) => name !== '__proto__'),
  fc.string({ maxLength: 40, unit: 'grapheme' }),
  { maxKeys: 12 },
)

const urlArbitrary = fc.record({
  scheme: fc.constantFrom('https', 'http'),
  host: fc.constantFrom('calls.example.com', 'example.org', '127.0.0.1', '[::1]'),
  port: fc.option(fc.integer({ min: 1, max: 65_535 }), { nil: undefined }),
  path: fc.array(fc.stringMatching(/^[a-z0-9_-]{1,8}$/), { maxLength: 4 }),
  query: fc.option(fc.stringMatching(/^[a-z]{1,5}=[a-z0-9]{0,5}$/), { nil: undefined }),
}).map(({ scheme, host, port, path, query }) => `${scheme}://${host}${port === undefined ? '' : `:${port}`}/${path.join('/')}${query === undefined ? '' : `?${query}`}`)

const formBody = (parameters: Record<string, string>): string => new URLSearchParams(Object.entries(parameters)).toString()

describe('X-Twilio-Signature', () => {
  it('computes the signature twilio-node computes, for generated URLs and parameters', () => {
    fc.assert(
      fc.property(urlArbitrary, parametersArbitrary, (url, parameters) => {
        expect(twilioRequestSignature(authToken, url, parameters)).toBe(twilioNode.getExpectedTwilioSignature(authToken, url, parameters))
      }),
      { numRuns: 300 },
    )
  })

  it('accepts what twilio-node signs, and twilio-node validates what it computes', () => {
    fc.assert(
      fc.property(urlArbitrary, parametersArbitrary, (url, parameters) => {
        const theirs = twilioNode.getExpectedTwilioSignature(authToken, url, parameters)
        const received = parseFormParameters(formBody(parameters))
        expect(isValidTwilioSignature(authToken, theirs, [url], received)).toBe(true)
        expect(twilioNode.validateRequest(authToken, twilioRequestSignature(authToken, url, received), url, parameters)).toBe(true)
      }),
      { numRuns: 300 },
    )
  })

  it('decides like twilio-node validateRequest when the URL signed and the URL received differ by their port', () => {
    fc.assert(
      fc.property(urlArbitrary, urlArbitrary, parametersArbitrary, (signedUrl, receivedUrl, parameters) => {
        const signature = twilioNode.getExpectedTwilioSignature(authToken, signedUrl, parameters)
        expect(isValidTwilioSignature(authToken, signature, [receivedUrl], parameters)).toBe(twilioNode.validateRequest(authToken, signature, receivedUrl, parameters))
      }),
      { numRuns: 300 },
    )
    const parameters = { RoomName: 'standup' }
    const signedWithPort = twilioNode.getExpectedTwilioSignature(authToken, 'https://calls.example.com:443/webhooks/twilio', parameters)
    const signedWithout = twilioNode.getExpectedTwilioSignature(authToken, 'https://calls.example.com/webhooks/twilio', parameters)
    expect(isValidTwilioSignature(authToken, signedWithPort, ['https://calls.example.com/webhooks/twilio'], parameters)).toBe(true)
    expect(isValidTwilioSignature(authToken, signedWithout, ['https://calls.example.com:443/webhooks/twilio'], parameters)).toBe(true)
    expect(isValidTwilioSignature(authToken, signedWithout, ['https://calls.example.com:8443/webhooks/twilio'], parameters)).toBe(true)
    expect(isValidTwilioSignature(authToken, signedWithout, ['https://calls.example.com/webhooks/other'], parameters)).toBe(false)
  })

  it('signs every value of a repeated parameter, distinct and sorted, like twilio-node', () => {
    const received = parseFormParameters('Tracks=b&Tracks=a&Tracks=b&RoomName=standup')
    expect(received).toEqual({ Tracks: ['b', 'a', 'b'], RoomName: 'standup' })
    const url = 'https://calls.example.com/webhooks/twilio'
    expect(twilioRequestSignature(authToken, url, received)).toBe(twilioNode.getExpectedTwilioSignature(authToken, url, { Tracks: ['b', 'a', 'b'], RoomName: 'standup' }))
  })

  it('refuses a wrong, truncated, empty or missing signature, and another auth token', () => {
    const url = 'https://calls.example.com/webhooks/twilio'
    const parameters = { RoomName: 'standup', StatusCallbackEvent: 'room-created' }
    const good = twilioNode.getExpectedTwilioSignature(authToken, url, parameters)
    expect(isValidTwilioSignature(authToken, good, [url], parameters)).toBe(true)
    expect(isValidTwilioSignature(authToken, good.slice(0, -2), [url], parameters)).toBe(false)
    expect(isValidTwilioSignature(authToken, `${good}=`, [url], parameters)).toBe(false)
    expect(isValidTwilioSignature(authToken, '', [url], parameters)).toBe(false)
    expect(isValidTwilioSignature(authToken, null, [url], parameters)).toBe(false)
    expect(isValidTwilioSignature('another-auth-token', good, [url], parameters)).toBe(false)
    expect(isValidTwilioSignature(authToken, good, [url], { ...parameters, RoomName: 'other' })).toBe(false)
  })

  it('lists a URL without its port and with the default port of its scheme', () => {
    expect(urlVariants('https://a.example/x?y=1')).toEqual(['https://a.example/x?y=1', 'https://a.example:443/x?y=1'])
    expect(urlVariants('http://a.example:8080/x')).toEqual(['http://a.example/x', 'http://a.example:8080/x'])
    expect(urlVariants('http://[::1]:80/x')).toEqual(['http://[::1]/x', 'http://[::1]:80/x'])
    expect(urlVariants('not a url')).toEqual(['not a url'])
  })
})

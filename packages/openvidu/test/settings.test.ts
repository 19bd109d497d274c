import { afterEach, describe, expect, it, vi } from 'vitest'
import { openvidu } from '../src/server/index'
import { parseWebhookHeaders, resolveOpenViduSettings } from '../src/server/settings'

afterEach(() => vi.unstubAllEnvs())

describe('OpenVidu settings', () => {
  it('fall back to OPENVIDU_URL, OPENVIDU_SECRET and OPENVIDU_WEBHOOK_HEADERS', () => {
    vi.stubEnv('OPENVIDU_URL', 'https://openvidu.example.com:4443/')
    vi.stubEnv('OPENVIDU_SECRET', 'MY_SECRET')
    vi.stubEnv('OPENVIDU_WEBHOOK_HEADERS', '["Authorization: Basic abc"]')
    const resolved = resolveOpenViduSettings()
    expect(resolved).toMatchObject({
      url: 'https://openvidu.example.com:4443',
      apiUrl: 'https://openvidu.example.com:4443/openvidu/api',
      secret: 'MY_SECRET',
      webhookHeaders: [{ name: 'Authorization', value: 'Basic abc' }],
      timeout: 10_000,
      retry: { limit: 2 },
    })
    expect(openvidu().url).toBe('https://openvidu.example.com:4443')
  })

  it('prefer explicit settings to the environment', () => {
    vi.stubEnv('OPENVIDU_URL', 'https://env.example.com')
    vi.stubEnv('OPENVIDU_SECRET', 'env-secret')
    const resolved = resolveOpenViduSettings({ url: 'http://127.0.0.1:4443', secret: 'given', webhookHeader: { name: 'X-Hook', value: 'v' } })
    expect(resolved).toMatchObject({ url: 'http://127.0.0.1:4443', secret: 'given', webhookHeaders: [{ name: 'X-Hook', value: 'v' }] })
  })

  it('keeps a path prefix of the URL (OpenVidu behind a proxy)', () => {
    expect(resolveOpenViduSettings({ url: 'https://example.com/video', secret: 's' }).apiUrl).toBe('https://example.com/video/openvidu/api')
  })

  it.each([
    [{ secret: 's' }, /url \(or OPENVIDU_URL\)/],
    [{ url: 'ftp://example.com', secret: 's' }, /url/],
    [{ url: 'https://example.com' }, /secret \(or OPENVIDU_SECRET\) is required/],
    [{ url: 'https://example.com', secret: 's', timeout: 0 }, /timeout/],
    [{ url: 'https://example.com', secret: 's', webhookHeader: { name: 'bad name', value: 'v' } }, /webhookHeader\.name/],
  ])('refuse %j with INVALID_INPUT', (settings, message) => {
    expect(() => resolveOpenViduSettings(settings)).toThrowError(
      expect.objectContaining({ code: 'INVALID_INPUT', provider: 'openvidu', message: expect.stringMatching(message) }),
    )
  })

  it('are read from the environment setting when given, instead of process.env', () => {
    vi.stubEnv('OPENVIDU_URL', 'https://process.example.com')
    const environment = { OPENVIDU_URL: 'https://given.example.com', OPENVIDU_SECRET: 's', OPENVIDU_WEBHOOK_HEADERS: '["X-Hook: v"]' }
    expect(resolveOpenViduSettings({ environmentVariables: environment })).toMatchObject({
      url: 'https://given.example.com',
      secret: 's',
      webhookHeaders: [{ name: 'X-Hook', value: 'v' }],
    })
    expect(openvidu({ environmentVariables: environment }).capabilities.webhooks).toBe(true)
  })

  it('refuse unknown settings by name, with the closest known one', () => {
    expect(() => openvidu({ url: 'https://example.com', secret: 's', webhookHeaders: [] } as never)).toThrowError(
      expect.objectContaining({
        code: 'INVALID_INPUT',
        provider: 'openvidu',
        message: expect.stringContaining('unknown setting "webhookHeaders" (did you mean "webhookHeader"?)'),
      }),
    )
    expect(() => openvidu({ url: 'https://example.com', secret: 's', samplesAnswerFormat: 'text' } as never)).toThrowError(expect.objectContaining({ code: 'INVALID_INPUT' }))
  })

  it('never put the secret in an error', () => {
    try {
      resolveOpenViduSettings({ url: 'not a url', secret: 'super-secret-value' })
      expect.unreachable()
    } catch (error) {
      expect(JSON.stringify(error)).not.toContain('super-secret-value')
      expect(String(error)).not.toContain('super-secret-value')
      expect(JSON.stringify((error as { details?: unknown }).details)).not.toContain('super-secret-value')
    }
  })
})

/**
 * OPENVIDU_WEBHOOK_HEADERS as openvidu-server 2.32.2 reads it: `config/OpenviduConfig.java`
 * `checkWebhookHeaders` (`header.split(": ", 2)`, no trimming, empty name or value refused) over
 * `asJsonStringsArray` (a JSON strings array; a list of one empty string is the empty list; the
 * default in `application.properties` is `[]`).
 */
describe('OPENVIDU_WEBHOOK_HEADERS', () => {
  it('is a JSON array of "Name: value" strings, split at the first ": "', () => {
    expect(parseWebhookHeaders('["Authorization: Basic T1BFTlZJRFVBUFA6TVlfU0VDUkVU", "X-Tenant: blue: green"]')).toEqual([
      { name: 'Authorization', value: 'Basic T1BFTlZJRFVBUFA6TVlfU0VDUkVU' },
      { name: 'X-Tenant', value: 'blue: green' },
    ])
  })

  it('splits at ": " (colon and space): "X-A:b: c" names the header "X-A:b", which is no HTTP header name', () => {
    expect(() => parseWebhookHeaders('["X-A:b: c"]')).toThrowError(expect.objectContaining({ code: 'INVALID_INPUT', message: expect.stringContaining('"X-A:b"') }))
  })

  it.each([
    ['[]', "OpenVidu's default"],
    ['[""]', 'one empty string'],
    ['  [ ]  ', 'spaces around'],
  ])('%s means no header (%s)', (text) => {
    expect(parseWebhookHeaders(text)).toEqual([])
  })

  it('trims nothing: the value keeps its spaces after ": "', () => {
    expect(parseWebhookHeaders('["X-Key:  two spaces "]')).toEqual([{ name: 'X-Key', value: ' two spaces ' }])
  })

  it.each([
    ['["X-Tenant:blue"]', 'no space after the colon (OpenVidu: syntax is not correct)'],
    ['["X-Key: "]', 'an empty value'],
    ['[": v"]', 'an empty name'],
    ['["", "X-Key: v"]', 'an empty string among others'],
    ['Authorization: Basic abc', 'not JSON (OpenVidu refuses to start)'],
    ['{"a":1}', 'not an array'],
    ['[1]', 'not strings'],
    ['["X Key: v"]', "a name that is not an HTTP token (Callport's own refusal)"],
    ['["X-Key:    "]', "a value of spaces only, which arrives empty (Callport's own refusal)"],
  ])('refuses %s: %s', (text) => {
    expect(() => parseWebhookHeaders(text)).toThrowError(expect.objectContaining({ code: 'INVALID_INPUT' }))
  })

  it('an environment with OPENVIDU_WEBHOOK_HEADERS=[] gives an adapter without webhooks', () => {
    const settings = resolveOpenViduSettings({ environmentVariables: { OPENVIDU_URL: 'https://ov.example.com', OPENVIDU_SECRET: 's', OPENVIDU_WEBHOOK_HEADERS: '[]' } })
    expect(settings.webhookHeaders).toEqual([])
  })
})

import { afterEach, describe, expect, it, vi } from 'vitest'
import { twilio } from '../src/server/index'
import { twilioEnvironmentVariables } from '../src/server/settings'
import { credentials } from './twilio-harness'

afterEach(() => vi.unstubAllEnvs())

function stubCredentials(): void {
  vi.stubEnv('TWILIO_ACCOUNT_SID', credentials.accountSid)
  vi.stubEnv('TWILIO_API_KEY_SID', credentials.apiKeySid)
  vi.stubEnv('TWILIO_API_KEY_SECRET', credentials.apiKeySecret)
}

describe('settings', () => {
  it('names the environment variables of the task', () => {
    expect(twilioEnvironmentVariables).toMatchObject({
      accountSid: 'TWILIO_ACCOUNT_SID',
      apiKeySid: 'TWILIO_API_KEY_SID',
      apiKeySecret: 'TWILIO_API_KEY_SECRET',
      authToken: 'TWILIO_AUTH_TOKEN',
    })
  })

  it('reads the credentials from TWILIO_* and has webhooks once TWILIO_AUTH_TOKEN is set', () => {
    stubCredentials()
    const withoutToken = twilio()
    expect(withoutToken.accountSid).toBe(credentials.accountSid)
    expect(withoutToken.capabilities.webhooks).toBe(false)
    vi.stubEnv('TWILIO_AUTH_TOKEN', credentials.authToken)
    vi.stubEnv('TWILIO_STATUS_CALLBACK_URL', 'https://calls.example.com/webhooks/twilio')
    const withToken = twilio()
    expect(withToken.capabilities.webhooks).toBe(true)
    expect(typeof withToken.webhook?.verify).toBe('function')
    expect(withToken.statusCallbackUrl).toBe('https://calls.example.com/webhooks/twilio')
  })

  it('prefers explicit settings to the environment', () => {
    stubCredentials()
    const other = `AC${'f'.repeat(32)}`
    expect(twilio({ accountSid: other }).accountSid).toBe(other)
    expect(twilio({ baseUrl: 'http://127.0.0.1:9999/' }).baseUrl).toBe('http://127.0.0.1:9999')
  })

  it.each([
    [{ accountSid: `SK${'0'.repeat(32)}` }, /accountSid.*"AC"/],
    [{ apiKeySid: credentials.accountSid }, /apiKeySid.*API key SID/],
    [{ apiKeySecret: '' }, /apiKeySecret.*required/],
    [{ statusCallbackUrl: 'ftp://calls.example.com/hook' }, /statusCallbackUrl/],
    [{ room: { maxParticipants: 0 } }, /room\.maxParticipants/],
  ])('refuses %o with INVALID_INPUT naming the setting', (wrong, message) => {
    expect(() => twilio({ ...credentials, ...wrong })).toThrow(message)
    try {
      twilio({ ...credentials, ...wrong })
    } catch (error) {
      expect(error).toMatchObject({ code: 'INVALID_INPUT', provider: 'twilio' })
    }
  })

  it('refuses an unknown setting, naming the closest known one', () => {
    expect(() => twilio({ ...credentials, baseURL: 'https://video.twilio.com' } as never)).toThrow(/unknown setting "baseURL" \(did you mean "baseUrl"\?\)/)
    expect(() => twilio({ ...credentials, room: { maxParticipant: 4 } } as never)).toThrow(/room/)
  })

  it('reads the credentials from the `environment` setting instead of process.env', () => {
    const adapter = twilio({
      environmentVariables: {
        TWILIO_ACCOUNT_SID: credentials.accountSid,
        TWILIO_API_KEY_SID: credentials.apiKeySid,
        TWILIO_API_KEY_SECRET: credentials.apiKeySecret,
        TWILIO_AUTH_TOKEN: '',
      },
    })
    expect(adapter.accountSid).toBe(credentials.accountSid)
    expect(adapter.capabilities.webhooks).toBe(false)
  })

  it('without credentials, names every missing one', () => {
    expect(() => twilio()).toThrow(/accountSid.*apiKeySid.*apiKeySecret/)
  })
})

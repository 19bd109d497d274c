import { describe, expect, it } from 'vitest'
import { livekit, liveKitServerCapabilities } from '../src/server/livekit-server-adapter'
import { resolveLiveKitSettings } from '../src/server/settings'

const credentials = { apiKey: 'APIkey', apiSecret: 'secret' }

describe('LiveKit settings', () => {
  it('takes the credentials and URL from LIVEKIT_API_KEY, LIVEKIT_API_SECRET and LIVEKIT_URL', () => {
    const resolved = resolveLiveKitSettings({
      environmentVariables: { LIVEKIT_API_KEY: 'APIenv', LIVEKIT_API_SECRET: 'envsecret', LIVEKIT_URL: 'wss://env.livekit.cloud' },
    })
    expect(resolved).toMatchObject({ apiKey: 'APIenv', apiSecret: 'envsecret', websocketUrl: 'wss://env.livekit.cloud', apiUrl: 'https://env.livekit.cloud' })
  })

  it('prefers given settings over the environment', () => {
    const resolved = resolveLiveKitSettings({ ...credentials, url: 'https://given.example/', environmentVariables: { LIVEKIT_API_KEY: 'APIenv' } })
    expect(resolved).toMatchObject({ apiKey: 'APIkey', websocketUrl: 'wss://given.example', apiUrl: 'https://given.example' })
  })

  it.each([
    ['wss://a.example', 'wss://a.example', 'https://a.example'],
    ['https://a.example/', 'wss://a.example', 'https://a.example'],
    ['ws://localhost:7880', 'ws://localhost:7880', 'http://localhost:7880'],
    ['http://127.0.0.1:7880/livekit/', 'ws://127.0.0.1:7880/livekit', 'http://127.0.0.1:7880/livekit'],
  ])('%s → clients on %s, RoomService on %s', (url, websocketUrl, apiUrl) => {
    expect(resolveLiveKitSettings({ ...credentials, url, environmentVariables: {} })).toMatchObject({ websocketUrl, apiUrl })
  })

  it('names every missing setting with its environment variable', () => {
    expect(() => resolveLiveKitSettings({ environmentVariables: {} })).toThrow(
      expect.objectContaining({
        code: 'INVALID_INPUT',
        message: expect.stringMatching(/apiKey \(or LIVEKIT_API_KEY\) is required[\s\S]*apiSecret \(or LIVEKIT_API_SECRET\)[\s\S]*url \(or LIVEKIT_URL\)/),
      }),
    )
  })

  it.each(['ftp://a.example', 'not a url', 'wss://'])('refuses the URL %s', (url) => {
    expect(() => resolveLiveKitSettings({ ...credentials, url, environmentVariables: {} })).toThrow(
      expect.objectContaining({ code: 'INVALID_INPUT', message: expect.stringContaining('url') }),
    )
  })

  it('refuses unknown settings by name, with a hint', () => {
    expect(() => livekit({ ...credentials, url: 'wss://a.example', apiSecrett: 'x', environmentVariables: {} } as never)).toThrow(
      expect.objectContaining({ code: 'INVALID_INPUT', message: expect.stringContaining('unknown setting "apiSecrett" (did you mean "apiSecret"?)') }),
    )
  })

  it('keeps the secret off the adapter', () => {
    const adapter = livekit({ ...credentials, url: 'wss://a.example', environmentVariables: {} })
    expect(JSON.stringify(adapter)).not.toContain('secret')
    expect(adapter).toMatchObject({ provider: 'livekit', apiKey: 'APIkey', websocketUrl: 'wss://a.example', apiUrl: 'https://a.example' })
  })

  it('declares the capabilities the adapter has, webhooks with a handler', () => {
    const adapter = livekit({ ...credentials, url: 'wss://a.example', environmentVariables: {} })
    expect(adapter.capabilities).toEqual(liveKitServerCapabilities)
    expect(liveKitServerCapabilities.webhooks).toBe(true)
    expect(typeof adapter.webhook?.verify).toBe('function')
  })
})

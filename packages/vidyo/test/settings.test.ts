import { afterEach, describe, expect, it, vi } from 'vitest'
import { vidyo } from '../src/server/index'
import { resolveVidyoSettings } from '../src/server/settings'

const errorOf = (run: () => unknown): { code?: string; message?: string } => {
  try {
    run()
  } catch (error) {
    return error as { code?: string; message?: string }
  }
  return {}
}

describe('vidyo settings', () => {
  afterEach(() => {
    vi.unstubAllEnvs()
  })

  it('takes settings first, then environment variables, then the default host', () => {
    const environment = { VIDYO_APP_ID: 'env.vidyo.io', VIDYO_DEVELOPER_KEY: 'env-key', VIDYO_HOST: 'env.example.com' }
    expect(resolveVidyoSettings({ appId: 'given.vidyo.io' }, environment)).toMatchObject({
      appId: 'given.vidyo.io',
      developerKey: 'env-key',
      host: 'env.example.com',
    })
    expect(resolveVidyoSettings({}, { VIDYO_APP_ID: 'a', VIDYO_DEVELOPER_KEY: 'k' }).host).toBe('prod.vidyo.io')
  })

  it('reads process.env when the factory gets no settings', async () => {
    vi.stubEnv('VIDYO_APP_ID', 'fromenv.vidyo.io')
    vi.stubEnv('VIDYO_DEVELOPER_KEY', 'secret')
    vi.stubEnv('VIDYO_HOST', '')
    const adapter = vidyo()
    const room = await adapter.ensureRoom({ name: 'standup' })
    const token = await adapter.issueToken({ room, participant: { identity: 'alice', role: 'publisher' }, ttlSeconds: 600 })
    expect(token.connect.host).toBe('prod.vidyo.io')
    expect(Buffer.from(token.value, 'base64').toString('utf8')).toContain('alice@fromenv.vidyo.io')
  })

  it.each([
    ['appId', 'VIDYO_APP_ID', { developerKey: 'k' }],
    ['developerKey', 'VIDYO_DEVELOPER_KEY', { appId: 'a.vidyo.io' }],
  ])('reports a missing %s as INVALID_INPUT naming %s', (name, variable, settings) => {
    const error = errorOf(() => resolveVidyoSettings(settings, {}))
    expect(error.code).toBe('INVALID_INPUT')
    expect(error.message).toContain(variable)
    expect(error.message).toContain(name)
  })

  it('treats empty values as missing', () => {
    expect(errorOf(() => resolveVidyoSettings({ appId: '', developerKey: 'k' }, { VIDYO_APP_ID: '' })).message).toContain('VIDYO_APP_ID')
  })

  it('refuses invalid values and says where they came from', () => {
    const fromSetting = errorOf(() => resolveVidyoSettings({ appId: 'a@b', developerKey: 'k' }, {}))
    expect(fromSetting).toMatchObject({ code: 'INVALID_INPUT' })
    expect(fromSetting.message).toContain('setting appId')
    const fromEnvironment = errorOf(() => resolveVidyoSettings({ appId: 'a', developerKey: 'k' }, { VIDYO_HOST: 'https://prod.vidyo.io/' }))
    expect(fromEnvironment).toMatchObject({ code: 'INVALID_INPUT' })
    expect(fromEnvironment.message).toContain('environment variable VIDYO_HOST')
  })
})

import { afterEach, describe, expect, it, vi } from 'vitest'
import { vidyo, type VidyoSettings } from '../src/server/index'
import { verifyVidyoToken } from '../src/server/verify-token'

const errorOf = (run: () => unknown): { code?: string; message?: string } => {
  try {
    run()
  } catch (error) {
    return error as { code?: string; message?: string }
  }
  return {}
}

/** The developer key an adapter signs with: the one its tokens verify with. */
async function signsWith(adapter: ReturnType<typeof vidyo>, developerKey: string): Promise<boolean> {
  const room = await adapter.ensureRoom({ name: 'standup' })
  const token = await adapter.issueToken({ room, participant: { identity: 'alice', role: 'publisher' }, ttlSeconds: 600 })
  return verifyVidyoToken(token.value, { developerKey, appId: adapter.appId }).userName === 'alice'
}

describe('vidyo settings', () => {
  afterEach(() => {
    vi.unstubAllEnvs()
  })

  it('takes settings first, then environment variables, then the default host', async () => {
    const environment = { VIDYO_APP_ID: 'env.vidyo.io', VIDYO_DEVELOPER_KEY: 'env-key', VIDYO_HOST: 'env.example.com' }
    const adapter = vidyo({ appId: 'given.vidyo.io', environmentVariables: environment })
    expect(adapter).toMatchObject({ appId: 'given.vidyo.io', host: 'env.example.com' })
    expect(await signsWith(adapter, 'env-key')).toBe(true)
    expect(vidyo({ environmentVariables: { VIDYO_APP_ID: 'a', VIDYO_DEVELOPER_KEY: 'k' } }).host).toBe('prod.vidyo.io')
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
    const error = errorOf(() => vidyo({ ...settings, environmentVariables: {} }))
    expect(error.code).toBe('INVALID_INPUT')
    expect(error.message).toContain(variable)
    expect(error.message).toContain(name)
  })

  it('treats empty values as missing', () => {
    expect(errorOf(() => vidyo({ appId: '', developerKey: 'k', environmentVariables: { VIDYO_APP_ID: '' } })).message).toContain('VIDYO_APP_ID')
    expect(vidyo({ appId: '', developerKey: 'k', environmentVariables: { VIDYO_APP_ID: 'env.vidyo.io' } }).appId).toBe('env.vidyo.io')
  })

  it('refuses invalid values and says where they came from', () => {
    const fromSetting = errorOf(() => vidyo({ appId: 'a@b', developerKey: 'k', environmentVariables: {} }))
    expect(fromSetting).toMatchObject({ code: 'INVALID_INPUT' })
    expect(fromSetting.message).toMatch(/^Vidyo settings: appId: /)
    const fromEnvironment = errorOf(() => vidyo({ appId: 'a', developerKey: 'k', environmentVariables: { VIDYO_HOST: 'https://prod.vidyo.io/' } }))
    expect(fromEnvironment).toMatchObject({ code: 'INVALID_INPUT' })
    expect(fromEnvironment.message).toContain('environment variable VIDYO_HOST')
    expect(fromEnvironment.message).toContain('host: Host must be a host name')
    expect(errorOf(() => vidyo({ appId: 'a', developerKey: 'k', vCard: '<vCard/>' as never, environmentVariables: {} })).message).toContain('vCard must be a function')
  })

  it('refuses unknown settings, naming the closest known one', () => {
    const error = errorOf(() => vidyo({ appID: 'a.vidyo.io', developerKey: 'k', environmentVariables: {} } as VidyoSettings))
    expect(error.code).toBe('INVALID_INPUT')
    expect(error.message).toContain('unknown setting "appID" (did you mean "appId"?)')
  })
})

import { CallportError } from '@callport/core'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { kaleyra } from '../src/server/index'
import { kaleyraBaseUrl, resolveKaleyraSettings } from '../src/server/settings'
import { kaleyraEffectiveRegion } from '../src/shared/connect-parameters'

afterEach(() => vi.unstubAllEnvs())

function failure(run: () => unknown): CallportError {
  try {
    run()
  } catch (error) {
    if (CallportError.isInstance(error)) return error
    throw error
  }
  throw new Error('expected a CallportError')
}

describe('settings', () => {
  it.each([
    ['eu', 'sandbox', 'https://api.sandbox.eu.bandyer.com'],
    ['in', 'sandbox', 'https://api.sandbox.eu.bandyer.com'],
    ['us', 'production', 'https://api.us.bandyer.com'],
    ['eu', 'production', 'https://api.eu.bandyer.com'],
  ] as const)('derives the REST host of %s / %s', (region, environment, expected) => {
    expect(kaleyraBaseUrl(region, environment)).toBe(expected)
    expect(kaleyra({ apiKey: 'k', appId: 'a', region, environment }).baseUrl).toBe(expected)
  })

  it('reads KALEYRA_* environment variables', () => {
    vi.stubEnv('KALEYRA_API_KEY', 'from-env')
    vi.stubEnv('KALEYRA_APP_ID', 'wAppId_env')
    vi.stubEnv('KALEYRA_REGION', 'in')
    vi.stubEnv('KALEYRA_ENVIRONMENT', 'production')
    expect(kaleyra().baseUrl).toBe('https://api.in.bandyer.com')
  })

  it('prefers explicit settings to the environment, and baseUrl to the derived host', () => {
    vi.stubEnv('KALEYRA_REGION', 'in')
    expect(kaleyra({ apiKey: 'k', appId: 'a', region: 'us', environment: 'production' }).baseUrl).toBe('https://api.us.bandyer.com')
    expect(kaleyra({ apiKey: 'k', appId: 'a', baseUrl: 'http://127.0.0.1:9999/' }).baseUrl).toBe('http://127.0.0.1:9999')
  })

  it('the sandbox is always eu (VT/Kaleyra seed 003; widget 2.7.5 opens cs.sandbox.<region>.bandyer.com): region resolves to eu', () => {
    for (const region of ['in', 'us'] as const) {
      expect(resolveKaleyraSettings({ apiKey: 'k', appId: 'a', region, environment: 'sandbox' }).region).toBe('eu')
      expect(resolveKaleyraSettings({ apiKey: 'k', appId: 'a', region, environment: 'production' }).region).toBe(region)
    }
    expect(kaleyraEffectiveRegion('us', 'sandbox')).toBe('eu')
  })

  it('defaults to the eu sandbox', () => {
    expect(kaleyra({ apiKey: 'k', appId: 'a' }).baseUrl).toBe('https://api.sandbox.eu.bandyer.com')
  })

  it('names every missing or wrong setting in one INVALID_INPUT', () => {
    vi.stubEnv('KALEYRA_API_KEY', '')
    vi.stubEnv('KALEYRA_APP_ID', '')
    const error = failure(() => kaleyra({ region: 'mars' as 'eu' }))
    expect(error.code).toBe('INVALID_INPUT')
    expect(error.message).toContain('KALEYRA_API_KEY')
    expect(error.message).toContain('KALEYRA_APP_ID')
    expect(error.message).toContain('region')
  })

  it('refuses unknown settings by name, with the closest known one: baseURL → baseUrl', () => {
    const error = failure(() => kaleyra({ apiKey: 'k', appId: 'a', baseURL: 'https://example.com' } as never))
    expect(error.code).toBe('INVALID_INPUT')
    expect(error.message).toContain('"baseURL"')
    expect(error.message).toContain('did you mean "baseUrl"')
  })

  it('refuses knownParticipants, which the stateless server half no longer takes', () => {
    expect(failure(() => kaleyra({ apiKey: 'k', appId: 'a', knownParticipants: () => [] } as never)).message).toContain('knownParticipants')
  })

  it("reads the variables from environmentVariables when given (environment is Kaleyra's sandbox / production)", () => {
    vi.stubEnv('KALEYRA_API_KEY', '')
    const variables = { KALEYRA_API_KEY: 'k', KALEYRA_APP_ID: 'a', KALEYRA_REGION: 'us', KALEYRA_ENVIRONMENT: 'production' }
    expect(kaleyra({ environmentVariables: variables }).baseUrl).toBe('https://api.us.bandyer.com')
    expect(kaleyra({ environmentVariables: variables, environment: 'sandbox' }).baseUrl).toBe('https://api.sandbox.eu.bandyer.com')
  })

  it('refuses a baseUrl that is not http(s)', () => {
    expect(failure(() => kaleyra({ apiKey: 'k', appId: 'a', baseUrl: 'ftp://example.com' })).code).toBe('INVALID_INPUT')
  })
})

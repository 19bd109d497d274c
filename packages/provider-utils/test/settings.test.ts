import { describe, expect, it } from 'vitest'
import { checkTokenTtl, closestName, loadSettings } from '../src/index'

interface AcmeSettings {
  baseUrl?: string
  apiKey?: string
  timeout?: number
  environmentVariables?: Record<string, string | undefined>
}

const load = (settings: AcmeSettings | undefined, environment: Record<string, string | undefined> = {}) =>
  loadSettings<AcmeSettings>(settings === undefined ? { environmentVariables: environment } : { environmentVariables: environment, ...settings }, {
    provider: 'acme',
    subject: 'Invalid Acme settings',
    known: ['baseUrl', 'apiKey', 'timeout'],
    fromEnvironment: { baseUrl: 'ACME_BASE_URL', apiKey: 'ACME_API_KEY' },
  })

describe('loadSettings', () => {
  it('fills absent settings from the injected environment, given ones win, empty variables count as absent', () => {
    expect(load({ apiKey: 'given' }, { ACME_BASE_URL: 'https://acme.test', ACME_API_KEY: 'from-env' })).toMatchObject({ baseUrl: 'https://acme.test', apiKey: 'given' })
    expect(load({}, { ACME_BASE_URL: '' })).not.toHaveProperty('baseUrl')
  })

  it('refuses an unknown key by name, with the closest known key', () => {
    expect(() => load({ baseURL: 'x' } as AcmeSettings)).toThrowError(
      expect.objectContaining({ code: 'INVALID_INPUT', provider: 'acme', message: expect.stringContaining('unknown setting "baseURL" (did you mean "baseUrl"?)') }),
    )
    expect(() => load({ apikye: 'x' } as AcmeSettings)).toThrowError(/did you mean "apiKey"/)
    expect(() => load({ region: 'eu' } as AcmeSettings)).toThrowError(/unknown setting "region"\. Known settings: baseUrl, apiKey, timeout, environmentVariables/)
  })

  it('refuses settings that are not an object', () => {
    expect(() => loadSettings('x' as unknown as AcmeSettings, { provider: 'acme', subject: 'Acme settings', known: [] })).toThrowError(/Acme settings must be an object/)
  })

  it('reads process.env when no environment is injected', () => {
    process.env.CALLPORT_TEST_ACME_KEY = 'from-process'
    try {
      expect(loadSettings<AcmeSettings>({}, { provider: 'acme', subject: 's', known: ['apiKey'], fromEnvironment: { apiKey: 'CALLPORT_TEST_ACME_KEY' } })).toEqual({
        apiKey: 'from-process',
      })
    } finally {
      delete process.env.CALLPORT_TEST_ACME_KEY
    }
  })
})

describe('closestName', () => {
  it('prefers the same name in another case, then the nearest within a third of its length', () => {
    expect(closestName('BASEURL', ['baseUrl', 'base'])).toBe('baseUrl')
    expect(closestName('secert', ['secret', 'url'])).toBe('secret')
    expect(closestName('completelyDifferent', ['secret', 'url'])).toBeUndefined()
  })
})

describe('checkTokenTtl', () => {
  const bounds = { min: 60, max: 3600 }
  it.each([59, 3601, 60.5, Number.NaN])('refuses %s with INVALID_INPUT naming the bounds', (ttlSeconds) => {
    expect(() => checkTokenTtl(ttlSeconds, bounds, { provider: 'acme', vendor: 'Acme' })).toThrowError(
      expect.objectContaining({ code: 'INVALID_INPUT', provider: 'acme', message: expect.stringContaining('Acme token lifetimes must be whole seconds from 60 to 3600') }),
    )
  })
  it('accepts the bounds themselves', () => {
    expect(() => checkTokenTtl(60, bounds, { provider: 'acme', vendor: 'Acme' })).not.toThrow()
    expect(() => checkTokenTtl(3600, bounds, { provider: 'acme', vendor: 'Acme' })).not.toThrow()
  })
})

import { CallportError } from '@callport/core'
import { describe, expect, it } from 'vitest'
import { generateVidyoToken } from '../src/server/generate-token'
import { vectorA } from './vidyo-token-vectors'

const expectInvalidInput = (run: () => unknown, message: RegExp): void => {
  try {
    run()
  } catch (error) {
    expect(CallportError.isInstance(error)).toBe(true)
    expect((error as CallportError).code).toBe('INVALID_INPUT')
    expect((error as CallportError).message).toMatch(message)
    return
  }
  throw new Error('expected INVALID_INPUT')
}

describe('generateVidyoToken', () => {
  it('reproduces the published test vector A byte for byte', () => {
    const token = generateVidyoToken({
      developerKey: vectorA.developerKey,
      appId: vectorA.appId,
      userName: vectorA.userName,
      expiresAt: vectorA.expiresAt,
      vCard: vectorA.vCard,
      now: Date.parse('2024-01-01T00:00:00Z'),
    })
    expect(token).toBe(vectorA.token)
    const fields = Buffer.from(token, 'base64').toString('utf8').split('\0')
    expect(fields).toEqual(['provision', `${vectorA.userName}@${vectorA.appId}`, vectorA.expires, vectorA.vCard, vectorA.mac])
  })

  it('accepts the expiry as a Date and as a lifetime from now, with the same result', () => {
    const expiresAt = new Date(vectorA.expiresAt)
    const now = Date.parse('2055-10-27T09:54:22.750Z')
    const common = { developerKey: vectorA.developerKey, appId: vectorA.appId, userName: vectorA.userName, now }
    expect(generateVidyoToken({ ...common, expiresAt })).toBe(vectorA.token)
    expect(generateVidyoToken({ ...common, expiresInSeconds: 3600 })).toBe(vectorA.token)
  })

  it('counts the expiry in seconds since year 0', () => {
    const token = generateVidyoToken({ developerKey: 'k', appId: 'app', userName: 'u', expiresAt: '1970-01-01T00:01:40Z', now: 0 })
    expect(Buffer.from(token, 'base64').toString('utf8').split('\0')[2]).toBe(String(100 + 62_167_219_200))
  })

  it('refuses identities with "@" or NUL and empty names before signing', () => {
    const base = { developerKey: 'k', appId: 'app.vidyo.io', expiresInSeconds: 60 }
    expectInvalidInput(() => generateVidyoToken({ ...base, userName: 'alice@example.com' }), /User name must not contain "@"/)
    expectInvalidInput(() => generateVidyoToken({ ...base, userName: 'ali\0ce' }), /NUL/)
    expectInvalidInput(() => generateVidyoToken({ ...base, userName: '' }), /User name must not be empty/)
    expectInvalidInput(() => generateVidyoToken({ ...base, userName: 'bob', appId: 'a@b' }), /Application id must not contain "@"/)
    expectInvalidInput(() => generateVidyoToken({ ...base, userName: 'bob', vCard: '<vCard>\0</vCard>' }), /vCard must not contain NUL/)
    expectInvalidInput(() => generateVidyoToken({ ...base, userName: 'bob', developerKey: '' }), /Developer key must not be empty/)
    expectInvalidInput(() => generateVidyoToken({ ...base, userName: 'b\uD800ob' }), /well-formed/)
  })

  it('refuses user names Vidyo refuses: anything but letters and digits', () => {
    const base = { developerKey: 'k', appId: 'app.vidyo.io', expiresInSeconds: 60 }
    for (const userName of ['alice.smith', 'Alice Smith', '3f2b8c1e-9d4a-4c7b-8e21-5a6f0d9c2b7e', 'zoë', 'a_b', 'a~b']) {
      expectInvalidInput(() => generateVidyoToken({ ...base, userName }), /letters and digits only/)
    }
    expect(() => generateVidyoToken({ ...base, userName: 'AliceSmith42' })).not.toThrow()
  })

  it('refuses out-of-range lifetimes', () => {
    const base = { developerKey: 'k', appId: 'app', userName: 'bob', now: Date.parse('2030-01-01T00:00:00Z') }
    expectInvalidInput(() => generateVidyoToken({ ...base, expiresInSeconds: 0 }), /at least 1 second/)
    expectInvalidInput(() => generateVidyoToken({ ...base, expiresInSeconds: -5 }), /at least 1 second/)
    expectInvalidInput(() => generateVidyoToken({ ...base, expiresInSeconds: 1.5 }), /expiresInSeconds/)
    expectInvalidInput(() => generateVidyoToken({ ...base, expiresAt: '2029-12-31T23:59:59Z' }), /after now/)
    expectInvalidInput(() => generateVidyoToken({ ...base, expiresAt: '2030-01-01T00:00:00Z' }), /after now/)
    expectInvalidInput(() => generateVidyoToken({ ...base, expiresInSeconds: 8_000_000_000_000 }), /year 9999/)
    expectInvalidInput(() => generateVidyoToken({ ...base, expiresAt: new Date(Number.NaN) }), /expiresAt/)
    expectInvalidInput(() => generateVidyoToken(base), /exactly one of expiresInSeconds and expiresAt/)
    expectInvalidInput(() => generateVidyoToken({ ...base, expiresInSeconds: 60, expiresAt: '2031-01-01T00:00:00Z' }), /exactly one/)
  })
})

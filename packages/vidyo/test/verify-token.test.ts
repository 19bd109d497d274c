import { createHmac } from 'node:crypto'
import { CallportError } from '@callport/core'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { generateVidyoToken } from '../src/server/generate-token'
import { verifyVidyoToken } from '../src/server/verify-token'
import { identityOfVidyoUserName, vidyoUserNameOf } from '../src/shared/user-name'
import { vectorA } from './vidyo-token-vectors'

const codeOf = (run: () => unknown): string | undefined => {
  try {
    run()
  } catch (error) {
    if (!CallportError.isInstance(error)) throw error
    return error.code
  }
  return undefined
}

/** Text without NUL or lone surrogates (any Unicode, including astral characters and combining marks). */
const text = fc.string({ unit: 'binary' }).filter((value) => !value.includes('\0') && Buffer.from(value, 'utf8').toString('utf8') === value)
const name = text.filter((value) => value.length > 0 && !value.includes('@'))
/** Any identity, as the user name the server half signs for it (Vidyo accepts letters and digits only). */
const identity = text.filter((value) => value.length > 0)
const userName = identity.map(vidyoUserNameOf)
const appId = fc.oneof(fc.constantFrom('ApplicationID', 'abc123.vidyo.io'), name)
const developerKey = fc.string({ minLength: 1, unit: 'binary' })
const start = Date.parse('2020-01-01T00:00:00Z')
const now = fc.integer({ min: start, max: start + 10 * 365 * 86_400_000 })
const lifetime = fc.integer({ min: 1, max: 400 * 86_400 })

const signed = fc.record({ developerKey, appId, userName, vCard: text, now, expiresInSeconds: lifetime })

describe('verifyVidyoToken', () => {
  it('accepts published vector A before its expiry and reads its fields', () => {
    const verified = verifyVidyoToken(vectorA.token, { developerKey: vectorA.developerKey, appId: vectorA.appId, now: Date.parse('2030-01-01T00:00:00Z') })
    expect(verified).toEqual({ userName: vectorA.userName, appId: vectorA.appId, expiresAt: new Date(vectorA.expiresAt), vCard: '' })
  })

  it('returns what the generator signed, for any identity, vCard and lifetime', () => {
    fc.assert(
      fc.property(signed, (input) => {
        const token = generateVidyoToken(input)
        const verified = verifyVidyoToken(token, { developerKey: input.developerKey, appId: input.appId, now: input.now })
        expect(verified.userName).toBe(input.userName)
        expect(verified.userName).toMatch(/^[A-Za-z0-9]+$/)
        expect(verified.appId).toBe(input.appId)
        expect(verified.vCard).toBe(input.vCard)
        expect(verified.expiresAt.getTime()).toBe((Math.floor(input.now / 1000) + input.expiresInSeconds) * 1000)
      }),
      { numRuns: 300 },
    )
  })

  it('refuses a token with any character of it changed', () => {
    fc.assert(
      fc.property(signed, fc.nat(), fc.integer({ min: 1, max: 127 }), (input, position, flip) => {
        const token = generateVidyoToken(input)
        const index = position % token.length
        const tampered = token.slice(0, index) + String.fromCharCode(token.charCodeAt(index) ^ flip) + token.slice(index + 1)
        expect(codeOf(() => verifyVidyoToken(tampered, { developerKey: input.developerKey, now: input.now }))).toBe('UNAUTHORIZED')
      }),
      { numRuns: 500 },
    )
  })

  it('refuses a token with any byte of its decoded content changed', () => {
    fc.assert(
      fc.property(signed, fc.nat(), fc.integer({ min: 1, max: 255 }), (input, position, flip) => {
        const bytes = Buffer.from(generateVidyoToken(input), 'base64')
        const index = position % bytes.length
        bytes[index] = (bytes[index] ?? 0) ^ flip
        const tampered = bytes.toString('base64')
        expect(codeOf(() => verifyVidyoToken(tampered, { developerKey: input.developerKey, now: input.now }))).toBe('UNAUTHORIZED')
      }),
      { numRuns: 500 },
    )
  })

  it('refuses a token signed with another developer key', () => {
    fc.assert(
      fc.property(signed, developerKey, (input, otherKey) => {
        fc.pre(otherKey !== input.developerKey)
        const token = generateVidyoToken(input)
        expect(codeOf(() => verifyVidyoToken(token, { developerKey: otherKey, now: input.now }))).toBe('UNAUTHORIZED')
      }),
    )
  })

  it('reports TOKEN_EXPIRED from the second of expiry on, and not a second before', () => {
    fc.assert(
      fc.property(signed, fc.nat({ max: 10 * 365 * 86_400 }), (input, late) => {
        const token = generateVidyoToken(input)
        const expiresAtSeconds = Math.floor(input.now / 1000) + input.expiresInSeconds
        const options = { developerKey: input.developerKey }
        expect(codeOf(() => verifyVidyoToken(token, { ...options, now: (expiresAtSeconds + late) * 1000 }))).toBe('TOKEN_EXPIRED')
        expect(codeOf(() => verifyVidyoToken(token, { ...options, now: (expiresAtSeconds - 1) * 1000 + 999 }))).toBeUndefined()
      }),
    )
  })

  it('reads back any identity from the user name it was signed as', () => {
    fc.assert(
      fc.property(identity, developerKey, (who, key) => {
        const token = generateVidyoToken({ developerKey: key, appId: 'abc123.vidyo.io', userName: vidyoUserNameOf(who), expiresInSeconds: 600 })
        expect(identityOfVidyoUserName(verifyVidyoToken(token, { developerKey: key }).userName)).toBe(who)
      }),
      { numRuns: 300 },
    )
  })

  it('refuses a token issued for another application when appId is given', () => {
    const token = generateVidyoToken({ developerKey: 'key', appId: 'one.vidyo.io', userName: 'alice', expiresInSeconds: 600 })
    expect(codeOf(() => verifyVidyoToken(token, { developerKey: 'key', appId: 'two.vidyo.io' }))).toBe('UNAUTHORIZED')
    expect(verifyVidyoToken(token, { developerKey: 'key', appId: 'one.vidyo.io' }).userName).toBe('alice')
  })

  describe('refuses malformed tokens that carry a valid MAC', () => {
    const key = 'developer-key'
    const forge = (fields: string[]): string => {
      const payload = fields.join('\0')
      const mac = createHmac('sha384', key).update(payload).digest('hex')
      return Buffer.from(`${payload}\0${mac}`).toString('base64')
    }
    const expires = String(Math.floor(Date.now() / 1000) + 3600 + 62_167_219_200)
    it.each([
      ['four fields', ['provision', 'alice@app', expires]],
      ['six fields', ['provision', 'alice@app', expires, '', 'extra']],
      ['another type', ['invite', 'alice@app', expires, '']],
      ['no "@" in the user', ['provision', 'alice', expires, '']],
      ['an empty user name', ['provision', '@app', expires, '']],
      ['an empty app id', ['provision', 'alice@', expires, '']],
      ['a non-decimal expiry', ['provision', 'alice@app', `${expires}x`, '']],
    ])('%s', (_label, fields) => {
      expect(codeOf(() => verifyVidyoToken(forge(fields), { developerKey: key }))).toBe('UNAUTHORIZED')
    })
    it('an upper-case MAC', () => {
      const payload = ['provision', 'alice@app', expires, ''].join('\0')
      const mac = createHmac('sha384', key).update(payload).digest('hex').toUpperCase()
      const token = Buffer.from(`${payload}\0${mac}`).toString('base64')
      expect(codeOf(() => verifyVidyoToken(token, { developerKey: key }))).toBe('UNAUTHORIZED')
    })
    it('base64 without padding, or with whitespace', () => {
      const token = ['', 'a', 'ab'].map((vCard) => forge(['provision', 'alice@app', expires, vCard])).find((candidate) => candidate.endsWith('='))
      if (token === undefined) throw new Error('one of three lengths needs padding')
      expect(verifyVidyoToken(token, { developerKey: key }).userName).toBe('alice')
      expect(codeOf(() => verifyVidyoToken(token.replace(/=+$/, ''), { developerKey: key }))).toBe('UNAUTHORIZED')
      expect(codeOf(() => verifyVidyoToken(` ${token}`, { developerKey: key }))).toBe('UNAUTHORIZED')
      expect(codeOf(() => verifyVidyoToken('', { developerKey: key }))).toBe('UNAUTHORIZED')
    })
  })

  it('refuses options without a developer key', () => {
    expect(codeOf(() => verifyVidyoToken(vectorA.token, { developerKey: '' }))).toBe('INVALID_INPUT')
  })
})

import * as z from 'zod/mini'
import { describe, expect, it } from 'vitest'
import { parseInput, readProviderToken, type Token } from './index'

const token: Token = {
  provider: 'twilio',
  room: 'standup',
  providerRoomId: 'RM0123',
  identity: 'alice',
  value: 'eyJ…',
  expiresAt: '2026-11-21T12:00:00.000Z',
  connect: { region: 'gll' },
}
const ConnectSchema = z.object({ region: z.string() })

describe('parseInput', () => {
  it('returns the parsed value', () => {
    expect(parseInput(z.object({ a: z.string() }), { a: 'x' }, { subject: 'Invalid settings' })).toEqual({ a: 'x' })
  })
  it('throws INVALID_INPUT naming the subject and every offending field, keeping the issues', () => {
    const attempt = () => parseInput(z.object({ a: z.string(), b: z.number() }), { b: 'x' }, { subject: 'Invalid Twilio settings', provider: 'twilio' })
    expect(attempt).toThrowError(
      expect.objectContaining({
        code: 'INVALID_INPUT',
        provider: 'twilio',
        message: expect.stringMatching(/^Invalid Twilio settings: a: .+; b: .+$/),
        details: expect.arrayContaining([expect.objectContaining({ path: ['a'] }), expect.objectContaining({ path: ['b'] })]),
      }),
    )
  })
})

describe('readProviderToken', () => {
  const twilio = { id: 'twilio', name: 'Twilio', connectSchema: ConnectSchema }
  it('returns the token and its parsed connect parameters', () => {
    expect(readProviderToken(token, twilio)).toEqual({ token, parameters: { region: 'gll' } })
  })
  it('refuses a token of another provider or one that is not a token', () => {
    expect(() => readProviderToken({ ...token, provider: 'kaleyra' }, twilio)).toThrowError(expect.objectContaining({ code: 'INVALID_INPUT', message: 'Not a Twilio token' }))
    expect(() => readProviderToken({ ...token, expiresAt: 'soon' }, twilio)).toThrowError(expect.objectContaining({ code: 'INVALID_INPUT' }))
  })
  it('refuses a token whose connect parameters do not fit', () => {
    expect(() => readProviderToken({ ...token, connect: {} }, twilio)).toThrowError(
      expect.objectContaining({ code: 'INVALID_INPUT', message: expect.stringContaining('The Twilio token lacks its connection parameters: region') }),
    )
  })
})

import { describe, expect, it } from 'vitest'
import { IdentitySchema, JoinResponseSchema, millisecondsUntilExpiry, RoomNameSchema, TokenSchema } from './index'

const token = {
  provider: 'signaling',
  room: 'standup',
  providerRoomId: 'standup',
  identity: 'alice',
  value: 'eyJ…',
  expiresAt: '2026-11-21T12:00:00.000Z',
  connect: { url: 'http://127.0.0.1:3000', secure: false, port: 3000 },
}

describe('room names', () => {
  it.each(['standup', 'a', 'Team_42', 'réunion', '会議室', 'x.y~z-1', 'a'.repeat(128)])('accepts %s', (name) => {
    expect(RoomNameSchema.safeParse(name).success).toBe(true)
  })
  it.each(['', ' ', 'two words', 'a/b', '-leading', '.hidden', 'a'.repeat(129), 'tab\tname', 'new\nline', '%2F', 'a?b'])('refuses %j', (name) => {
    expect(RoomNameSchema.safeParse(name).success).toBe(false)
  })
})

describe('identities', () => {
  it('accepts any printable text up to 128 characters', () => {
    expect(IdentitySchema.safeParse('alice@example.com').success).toBe(true)
    expect(IdentitySchema.safeParse('Zoë Δ').success).toBe(true)
  })
  it('refuses empty, overlong and control-character identities', () => {
    expect(IdentitySchema.safeParse('').success).toBe(false)
    expect(IdentitySchema.safeParse('x'.repeat(129)).success).toBe(false)
    expect(IdentitySchema.safeParse('nul\u0000byte').success).toBe(false)
  })
})

describe('TokenSchema', () => {
  it('accepts a well-formed token and keeps its fields', () => {
    expect(TokenSchema.parse(token)).toEqual(token)
  })
  it('refuses a token without an ISO expiry or with nested connect values', () => {
    expect(TokenSchema.safeParse({ ...token, expiresAt: 'tomorrow' }).success).toBe(false)
    expect(TokenSchema.safeParse({ ...token, connect: { url: { nested: true } } }).success).toBe(false)
    expect(TokenSchema.safeParse({ ...token, value: '' }).success).toBe(false)
  })
  it('refuses expiries without a time zone or outside the calendar', () => {
    for (const expiresAt of ['2026-11-21T12:00:00', '2026-11-21', '2026-13-01T00:00:00Z', '2026-11-21T12:00:00.000Z trailing']) {
      expect(TokenSchema.safeParse({ ...token, expiresAt }).success, expiresAt).toBe(false)
    }
  })
  it('accepts offsets in expiresAt', () => {
    expect(TokenSchema.safeParse({ ...token, expiresAt: '2026-11-21T13:00:00+01:00' }).success).toBe(true)
  })
})

describe('JoinResponseSchema', () => {
  it('validates room and token together', () => {
    const room = { name: 'standup', provider: 'signaling', providerRoomId: 'standup' }
    expect(JoinResponseSchema.parse({ room, token })).toEqual({ room, token })
    expect(JoinResponseSchema.safeParse({ room: { ...room, name: 'bad name' }, token }).success).toBe(false)
  })
})

describe('millisecondsUntilExpiry', () => {
  it('is the distance from now to expiresAt', () => {
    const now = Date.parse('2026-11-21T11:59:00.000Z')
    expect(millisecondsUntilExpiry(token, now)).toBe(60_000)
    expect(millisecondsUntilExpiry(token, now + 120_000)).toBe(-60_000)
  })
})

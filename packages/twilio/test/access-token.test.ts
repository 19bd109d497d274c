import fc from 'fast-check'
import twilioNode from 'twilio'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createAccessToken, type AccessTokenAlgorithm } from '../src/server/access-token'
import { twilio } from '../src/server/index'
import { credentials } from './twilio-harness'

const { AccessToken } = twilioNode.jwt

/** What twilio-node's AccessToken with a VideoGrant makes of the same inputs, on the same clock. */
function twilioNodeToken(options: {
  identity: string
  room?: string
  ttl?: number
  algorithm?: AccessTokenAlgorithm
  region?: string
  nbf?: number
  secret?: string
}): string {
  const token = new AccessToken(credentials.accountSid, credentials.apiKeySid, options.secret ?? credentials.apiKeySecret, {
    identity: options.identity,
    ...(options.ttl === undefined ? {} : { ttl: options.ttl }),
    ...(options.region === undefined ? {} : { region: options.region }),
    ...(options.nbf === undefined ? {} : { nbf: options.nbf }),
  })
  token.addGrant(new AccessToken.VideoGrant(options.room === undefined ? {} : { room: options.room }))
  return token.toJwt(options.algorithm)
}

const decodePart = (token: string, index: number): unknown => JSON.parse(Buffer.from(token.split('.')[index] ?? '', 'base64url').toString('utf8'))

describe('createAccessToken', () => {
  it('reproduces the vector of reference/vendors.md §2.1 byte for byte', () => {
    const token = createAccessToken({
      accountSid: `AC${'0'.repeat(32)}`,
      apiKeySid: `SK${'0'.repeat(32)}`,
      apiKeySecret: 'secret',
      identity: 'alice',
      room: 'room1',
      ttlSeconds: 3600,
      issuedAt: 1_700_000_000,
    })
    expect(token).toBe(
      'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCIsImN0eSI6InR3aWxpby1mcGE7dj0xIn0.eyJqdGkiOiJTSzAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwLTE3MDAwMDAwMDAiLCJncmFudHMiOnsiaWRlbnRpdHkiOiJhbGljZSIsInZpZGVvIjp7InJvb20iOiJyb29tMSJ9fSwiaWF0IjoxNzAwMDAwMDAwLCJleHAiOjE3MDAwMDM2MDAsImlzcyI6IlNLMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAiLCJzdWIiOiJBQzAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwIn0.vn08y5RTb1DAP3By7e92HTftPiuoWoRUTpIVKhPuc-Y',
    )
  })

  describe('against twilio-node (AccessToken + VideoGrant), frozen clock', () => {
    beforeEach(() => {
      vi.useFakeTimers({ toFake: ['Date'] })
    })
    afterEach(() => {
      vi.useRealTimers()
    })

    it('is identical for generated identities and room names, non-ASCII included', () => {
      fc.assert(
        fc.property(
          fc.string({ minLength: 1, maxLength: 64, unit: 'grapheme' }),
          fc.option(fc.string({ minLength: 1, maxLength: 64, unit: 'grapheme' }), { nil: undefined }),
          fc.integer({ min: 1_000_000_000, max: 4_000_000_000 }),
          fc.integer({ min: 1, max: 86_400 }),
          (identity, room, seconds, ttl) => {
            vi.setSystemTime(seconds * 1000 + 999)
            const ours = createAccessToken({ ...credentials, identity, ...(room === undefined ? {} : { room }), ttlSeconds: ttl })
            expect(ours).toBe(twilioNodeToken({ identity, ...(room === undefined ? {} : { room }), ttl }))
          },
        ),
        { numRuns: 300 },
      )
    })

    it('is identical with lone surrogates and control characters, which JSON escapes', () => {
      fc.assert(
        fc.property(fc.string({ minLength: 1, maxLength: 24, unit: fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code)) }), (identity) => {
          vi.setSystemTime(1_750_000_000_000)
          expect(createAccessToken({ ...credentials, identity, room: identity })).toBe(twilioNodeToken({ identity, room: identity }))
        }),
        { numRuns: 200 },
      )
    })

    it.each(['HS256', 'HS384', 'HS512'] as const)('is identical with %s, a region and nbf', (algorithm) => {
      vi.setSystemTime(1_760_000_000_500)
      const options = { identity: 'zoë', room: 'Réunion-☕', algorithm, region: 'ie1', nbf: 1_760_000_100 }
      const ours = createAccessToken({ ...credentials, identity: options.identity, room: options.room, algorithm, region: options.region, notBefore: options.nbf })
      expect(ours).toBe(twilioNodeToken(options))
      expect(decodePart(ours, 0)).toEqual({ alg: algorithm, typ: 'JWT', cty: 'twilio-fpa;v=1', twr: 'ie1' })
    })

    it("uses twilio-node's default lifetime of 3600 s", () => {
      vi.setSystemTime(1_700_000_000_000)
      expect(createAccessToken({ ...credentials, identity: 'alice' })).toBe(twilioNodeToken({ identity: 'alice' }))
    })

    it('the adapter issues exactly the token twilio-node makes for the room and participant', async () => {
      vi.setSystemTime(1_765_432_100_000)
      const adapter = twilio({ ...credentials })
      const room = { name: 'daily-standup', provider: 'twilio', providerRoomId: `RM${'a'.repeat(32)}` }
      const token = await adapter.issueToken({ room, participant: { identity: 'Ana María', role: 'publisher' }, ttlSeconds: 900 })
      expect(token.value).toBe(twilioNodeToken({ identity: 'Ana María', room: 'daily-standup', ttl: 900 }))
      expect(token.expiresAt).toBe(new Date((1_765_432_100 + 900) * 1000).toISOString())
      expect(token).toMatchObject({
        provider: 'twilio',
        room: 'daily-standup',
        providerRoomId: room.providerRoomId,
        identity: 'Ana María',
        connect: { roomName: 'daily-standup' },
      })
    })
  })

  it('orders the claims jti, grants, iat, exp, iss, sub', () => {
    const token = createAccessToken({ ...credentials, identity: 'alice', room: 'standup', issuedAt: 1_700_000_000, ttlSeconds: 60 })
    const payload = decodePart(token, 1) as Record<string, unknown>
    expect(Object.keys(payload)).toEqual(['jti', 'grants', 'iat', 'exp', 'iss', 'sub'])
    expect(payload).toEqual({
      jti: `${credentials.apiKeySid}-1700000000`,
      grants: { identity: 'alice', video: { room: 'standup' } },
      iat: 1_700_000_000,
      exp: 1_700_000_060,
      iss: credentials.apiKeySid,
      sub: credentials.accountSid,
    })
  })

  it('a different secret gives a signature twilio-node does not give for ours', () => {
    const common = { identity: 'alice', room: 'standup', issuedAt: 1_700_000_000 }
    const ours = createAccessToken({ ...credentials, ...common, apiKeySecret: 'another secret' })
    vi.useFakeTimers({ toFake: ['Date'], now: 1_700_000_000_000 })
    try {
      expect(ours).not.toBe(twilioNodeToken({ identity: 'alice', room: 'standup' }))
      expect(ours).toBe(twilioNodeToken({ identity: 'alice', room: 'standup', secret: 'another secret' }))
    } finally {
      vi.useRealTimers()
    }
  })
})

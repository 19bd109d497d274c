import { randomBytes, randomInt, randomUUID } from 'node:crypto'
import { TokenSchema } from '@callport/core'
import { verifyHs256Jwt } from '@callport/provider-utils/server'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { SignalingClaimsSchema } from '../../src/shared/protocol'
import { createSignalingServer, signaling, signalingServerCapabilities, signalingTokenTtlBounds } from '../../src/server/index'
import { lowEntropySecretProblem } from '../../src/server/secret-strength'
import { SECRET } from './harness'

const url = 'https://signaling.example.test'

afterEach(() => {
  vi.unstubAllEnvs()
})

describe('signaling() settings', () => {
  it('reads the secret and url from CALLPORT_SIGNALING_SECRET and CALLPORT_SIGNALING_URL', async () => {
    vi.stubEnv('CALLPORT_SIGNALING_SECRET', SECRET)
    vi.stubEnv('CALLPORT_SIGNALING_URL', 'wss://from-environment.example.test')
    const adapter = signaling()
    const room = await adapter.ensureRoom({ name: 'standup' })
    const token = await adapter.issueToken({ room, participant: { identity: 'alice', role: 'publisher' }, ttlSeconds: 60 })
    expect(token.connect).toEqual({ url: 'wss://from-environment.example.test' })
    expect(() => verifyHs256Jwt(token.value, SECRET)).not.toThrow()
  })

  it.each([
    ['a missing secret', {}, /secret is required.*CALLPORT_SIGNALING_SECRET/],
    ['a 31-byte secret', { secret: 'x'.repeat(31) }, /at least 32 bytes.*it is 31/],
    ['a missing url', { secret: SECRET }, /url is required.*CALLPORT_SIGNALING_URL/],
    ['a relative url', { secret: SECRET, url: '/signaling' }, /absolute http, https, ws or wss URL/],
    ['an ftp url', { secret: SECRET, url: 'ftp://example.test' }, /absolute http, https, ws or wss URL/],
    ['a path without a slash', { secret: SECRET, url, path: 'socket' }, /path must start with "\/"/],
  ])('refuses %s with a clear INVALID_INPUT error', (_case, settings, message) => {
    vi.stubEnv('CALLPORT_SIGNALING_SECRET', undefined)
    vi.stubEnv('CALLPORT_SIGNALING_URL', undefined)
    expect(() => signaling(settings)).toThrowError(expect.objectContaining({ code: 'INVALID_INPUT', message: expect.stringMatching(message) }))
  })

  it('reads them from the `environment` setting instead of process.env when one is given', async () => {
    vi.stubEnv('CALLPORT_SIGNALING_SECRET', undefined)
    vi.stubEnv('CALLPORT_SIGNALING_URL', 'wss://from-process.example.test')
    const adapter = signaling({ environmentVariables: { CALLPORT_SIGNALING_SECRET: SECRET, CALLPORT_SIGNALING_URL: 'wss://injected.example.test' } })
    expect(adapter.url).toBe('wss://injected.example.test')
    const room = await adapter.ensureRoom({ name: 'standup' })
    const token = await adapter.issueToken({ room, participant: { identity: 'alice', role: 'publisher' }, ttlSeconds: 60 })
    expect(token.connect).toEqual({ url: 'wss://injected.example.test' })
  })

  it('refuses unknown settings, naming the closest known one', () => {
    expect(() => signaling({ secret: SECRET, url, paht: '/signaling' } as never)).toThrowError(
      expect.objectContaining({ code: 'INVALID_INPUT', provider: 'signaling', message: expect.stringMatching(/unknown setting "paht" \(did you mean "path"\?\)/) }),
    )
  })

  it('exposes where its tokens send browsers, and no secret', () => {
    const adapter = signaling({ secret: SECRET, url, path: '/signaling' })
    expect(adapter).toMatchObject({ provider: 'signaling', url, path: '/signaling' })
    expect(JSON.stringify(adapter)).not.toContain(SECRET)
  })

  it('counts the secret length in bytes, not characters', () => {
    expect(() => signaling({ secret: 'àáâãäåæçèéêëìíîï', url })).not.toThrow()
    expect(() => signaling({ secret: 'àáâãäåæçèéêëìíî', url })).toThrowError(/at least 32 bytes/)
  })

  // 32 × "a" used to pass: only the length was checked.
  it.each([
    ['one character repeated', 'a'.repeat(32), /only 1 distinct byte \(at least 6 are required\)/],
    ['two characters alternating', 'ab'.repeat(16), /only 2 distinct bytes/],
    ['a non-ASCII character repeated', 'é'.repeat(16), /only 2 distinct bytes/],
    ['a long run of one character', `${'x'.repeat(24)}0123456789`, /repeats one character 24 times in a row \(at most 11 are allowed\)/],
    ['runs of one character broken by a few others', `${'a'.repeat(11)}b${'a'.repeat(11)}c${'a'.repeat(11)}def`, /estimated entropy is 32 bits .*at least 64/],
  ])('refuses %s as obviously not random, in signaling() and createSignalingServer()', (_case, secret, rule) => {
    const refusal = expect.objectContaining({ code: 'INVALID_INPUT', provider: 'signaling', message: expect.stringMatching(rule) })
    expect(() => signaling({ secret, url })).toThrowError(refusal)
    expect(() => createSignalingServer({ secret })).toThrowError(refusal)
    expect(() => createSignalingServer({ secret })).toThrowError(/createSignalingServer\(\).*obviously not random.*openssl rand -base64 32/)
  })

  it('accepts every secret of the usual random formats (2,000 of each)', () => {
    const formats: Record<string, () => string> = {
      'openssl rand -base64 32': () => randomBytes(32).toString('base64'),
      'base64url of 32 bytes': () => randomBytes(32).toString('base64url'),
      'openssl rand -hex 16': () => randomBytes(16).toString('hex'),
      'openssl rand -hex 32': () => randomBytes(32).toString('hex'),
      'a UUID': () => randomUUID(),
      '32 decimal digits': () => Array.from({ length: 32 }, () => randomInt(10)).join(''),
    }
    for (const [format, generate] of Object.entries(formats)) {
      const refused = Array.from({ length: 2_000 }, generate).filter((secret) => lowEntropySecretProblem(secret) !== undefined)
      expect(refused, format).toEqual([])
    }
    expect(lowEntropySecretProblem(SECRET)).toBeUndefined()
  })

  it('applies the same secret rule to createSignalingServer', () => {
    vi.stubEnv('CALLPORT_SIGNALING_SECRET', undefined)
    expect(() => createSignalingServer({ secret: 'short' })).toThrowError(
      expect.objectContaining({ code: 'INVALID_INPUT', message: expect.stringMatching(/createSignalingServer\(\).*32 bytes/) }),
    )
    expect(() => createSignalingServer()).toThrowError(/CALLPORT_SIGNALING_SECRET/)
  })
})

describe('signaling() rooms and tokens', () => {
  const adapter = signaling({ secret: SECRET, url, path: '/signaling' })

  it('maps a room name to rm_ + 24 hex digits of its SHA-256, the same every time', async () => {
    const room = await adapter.ensureRoom({ name: 'standup' })
    // printf standup | sha256sum → c0fbdc38b1762851a9221b77…
    expect(room).toEqual({ name: 'standup', provider: 'signaling', providerRoomId: 'rm_c0fbdc38b1762851a9221b77' })
    expect(await adapter.ensureRoom({ name: 'standup' })).toEqual(room)
    expect((await adapter.ensureRoom({ name: 'Standup' })).providerRoomId).not.toBe(room.providerRoomId)
  })

  it('issues an HS256 token bound to one room, identity and role, with the claims of the protocol', async () => {
    const room = await adapter.ensureRoom({ name: 'standup' })
    const participant = { identity: 'alice', name: 'Alice A.', role: 'moderator' as const, metadata: { team: 'core' } }
    const before = Math.floor(Date.now() / 1000)
    const token = await adapter.issueToken({ room, participant, ttlSeconds: 300 })
    expect(TokenSchema.parse(token)).toEqual(token)
    expect(token).toMatchObject({ provider: 'signaling', room: 'standup', providerRoomId: room.providerRoomId, identity: 'alice' })
    expect(token.connect).toEqual({ url, path: '/signaling' })

    const claims = SignalingClaimsSchema.parse(verifyHs256Jwt(token.value, SECRET))
    expect(claims).toEqual({
      iss: 'callport-signaling',
      sub: 'alice',
      room: 'standup',
      role: 'moderator',
      name: 'Alice A.',
      metadata: { team: 'core' },
      iat: claims.iat,
      exp: claims.iat + 300,
    })
    expect(claims.iat).toBeGreaterThanOrEqual(before)
    expect(Date.parse(token.expiresAt)).toBe(claims.exp * 1000)
    expect(() => verifyHs256Jwt(token.value, `${SECRET}-other`)).toThrowError(/signature/)
  })

  it.each([59, 86_401, 90.5])('refuses ttlSeconds %s outside 60…86400', async (ttlSeconds) => {
    const room = await adapter.ensureRoom({ name: 'standup' })
    await expect(adapter.issueToken({ room, participant: { identity: 'alice', role: 'publisher' }, ttlSeconds })).rejects.toMatchObject({ code: 'INVALID_INPUT' })
  })

  it('refuses a room that ensureRoom did not make', async () => {
    const forged = { name: 'standup', provider: 'signaling', providerRoomId: 'rm_000000000000000000000000' }
    await expect(adapter.issueToken({ room: forged, participant: { identity: 'alice', role: 'publisher' }, ttlSeconds: 60 })).rejects.toMatchObject({ code: 'INVALID_INPUT' })
  })

  it('declares the moderation it does through the admin API, and no getRoom', () => {
    expect(adapter.capabilities).toEqual(signalingServerCapabilities)
    expect(signalingTokenTtlBounds).toEqual({ min: 60, max: 86_400 })
    expect(adapter.capabilities).toEqual({
      getRoom: false,
      listParticipants: true,
      removeParticipant: true,
      closeRoom: true,
      muteParticipant: true,
      updateParticipant: true,
      webhooks: false,
      tokenTtlSeconds: { min: 60, max: 86_400 },
    })
  })
})

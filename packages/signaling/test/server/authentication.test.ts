import { describe, expect, it } from 'vitest'
import { ConnectionInfoSchema, SIGNALING_VERSION } from '../../src/shared/protocol'
import { handSignedToken, issueToken, nextEvent, recordEvents, roundTrip, signClaims, useHarness } from './harness'

const harness = useHarness()

describe('authentication at connect', () => {
  it.each([
    ['a token signed with another secret', () => ({ token: signClaims(claimsFor('alice'), 'another-secret-that-is-long-enough-0123456789') }), 'UNAUTHORIZED', /signature/],
    ['a token issued for another identity', () => ({ token: handSignedToken('mallory', 'standup', 600) }), 'UNAUTHORIZED', /another identity/],
    ['an expired token', () => ({ token: handSignedToken('alice', 'standup', -5) }), 'TOKEN_EXPIRED', /expired/],
    ['a malformed token', () => ({ token: 'not-a-jwt' }), 'UNAUTHORIZED', /Malformed/],
    ['a JWT with foreign claims', () => ({ token: signClaims({ sub: 'alice', exp: Math.floor(Date.now() / 1000) + 60 }) }), 'UNAUTHORIZED', /claims/],
    ['auth that is not JSON', () => '{token:', 'UNAUTHORIZED', /not JSON/],
    ['auth of the wrong shape', () => ({ jwt: 'x' }), 'UNAUTHORIZED', /token.*password/],
    ['a password on a server without allowPasswords', () => ({ password: 'secret' }), 'UNAUTHORIZED', /password credentials/],
  ])('refuses %s with a coded reason, and nothing else happens', async (_case, auth, code, message) => {
    const { url } = await harness.startServer()
    const { joined, client: member } = await harness.joinMember(url, { identity: 'bob', room: 'standup' })
    const memberEvents = recordEvents(member)

    const { refusal, events, socket } = await harness.refuse(url, 'alice', auth())

    expect(refusal.data?.code).toBe(code)
    expect(refusal.message).toMatch(message)
    expect(refusal.data?.message).toBe(refusal.message)
    await roundTrip(member)
    expect(socket.connected).toBe(false)
    expect(events).toEqual([])
    expect(memberEvents).toEqual([])
    expect(joined.members).toEqual([])
  })

  it('refuses a connection without a username', async () => {
    const { url } = await harness.startServer()
    const { refusal } = await harness.refuse(url, '', { token: await issueToken({ identity: 'alice', room: 'standup' }) })
    expect(refusal.data?.code).toBe('UNAUTHORIZED')
    expect(refusal.message).toMatch(/username/)
  })

  it('accepts password credentials only through allowPasswords, which decides room and role', async () => {
    const { url } = await harness.startServer({
      allowPasswords: ({ username, password }) => (username === 'vt-receiver' && password === 'license-password' ? { room: 'studio', role: 'subscriber' } : null),
    })
    const client = await harness.connect(url, 'vt-receiver', { password: 'license-password' })
    expect(client.info.role).toBe('subscriber')
    expect(client.info.server_metadata.room).toBe('studio')
    expect(client.info.server_metadata.expires_at).toBeUndefined()

    const { refusal } = await harness.refuse(url, 'vt-receiver', { password: 'guess' })
    expect(refusal.data).toEqual({ code: 'UNAUTHORIZED', message: 'Wrong username or password' })
  })
})

describe('on_connection', () => {
  it('greets an authenticated socket with the VT-style connection info', async () => {
    const { url } = await harness.startServer()
    const socket = harness.connect(url, 'alice', { token: await issueToken({ identity: 'alice', room: 'standup', role: 'moderator' }) })
    const client = await socket
    const info = client.info
    expect(ConnectionInfoSchema.safeParse(info).success).toBe(true)
    expect(info.signaling_ver).toBe(SIGNALING_VERSION)
    expect(info.signaling_ver).toBe('2.1')
    expect(info.username).toBe('alice')
    expect(info.role).toBe('moderator')
    expect(info.auth_room).toBe('Auth')
    expect(info.auth_id).toBe(client.id)
    expect(info.session_id).toBe(client.id)
    expect(info.remoteAddress).toMatch(/127\.0\.0\.1/)
    expect(typeof info.remotePort).toBe('number')
    expect(info.server_metadata.room).toBe('standup')
    expect(info.server_metadata.room_id).toMatch(/^rm_[0-9a-f]{24}$/)
    const expiresAt = Date.parse(String(info.server_metadata.expires_at))
    expect(expiresAt - Date.now()).toBeGreaterThan(590_000)
    expect(expiresAt - Date.now()).toBeLessThanOrEqual(600_000)
    expect(info.server_metadata.max_message_bytes).toBe(64 * 1024)
  })

  it('is sent once, right after connecting', async () => {
    const { url } = await harness.startServer()
    const client = await harness.connect(url, 'alice', { token: await issueToken({ identity: 'alice', room: 'standup' }) })
    const events = recordEvents(client)
    await expect(nextEvent(client, 'on_connection', 300)).rejects.toThrow(/no on_connection/)
    expect(events).toEqual([])
  })
})

function claimsFor(identity: string) {
  const now = Math.floor(Date.now() / 1000)
  return { iss: 'callport-signaling', sub: identity, room: 'standup', role: 'publisher', iat: now, exp: now + 600 }
}
